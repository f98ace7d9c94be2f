#include "sim/workload_generator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::OwnedRecord;
using testing::ReadAll;

std::vector<OwnedRecord> Generate(const GeneratorSpec& spec) {
  std::unique_ptr<TraceSource> source = MakeWorkloadGenerator(spec);
  std::vector<OwnedRecord> records = ReadAll(*source);
  EXPECT_TRUE(source->status().ok());
  EXPECT_EQ(source->stats().records, records.size());
  return records;
}

std::vector<OwnedRecord> Requests(const std::vector<OwnedRecord>& records) {
  std::vector<OwnedRecord> out;
  for (const OwnedRecord& r : records) {
    if (r.kind == TraceRecord::Kind::kRequest) out.push_back(r);
  }
  return out;
}

GeneratorSpec SiteSpec() {
  GeneratorSpec g;
  g.seed = 42;
  g.objects = 200;
  g.zipf_alpha = 0.9;
  g.duration = absl::Hours(3);
  g.rate = 2;
  g.daily_amplitude = 0.5;
  g.pop_weights = {{"IAD89-C1", 1}, {"LHR61-C2", 1}};
  g.sizes[1] = {SizeDistribution::Kind::kLognormal, 30000, 1.0};
  g.deploy_every = absl::Hours(1);
  g.deploy_changed_fraction = 0.3;
  g.invalidations = {{absl::Minutes(90), {"/docs/*"}}, {absl::Minutes(30), {"/index.html", "/a"}}};
  return g;
}

TEST(WorkloadGeneratorTest, SameSeedSameTrace) {
  const std::vector<OwnedRecord> a = Generate(SiteSpec());
  const std::vector<OwnedRecord> b = Generate(SiteSpec());
  ASSERT_GT(a.size(), 10000u);
  EXPECT_EQ(a, b);
  GeneratorSpec other = SiteSpec();
  other.seed = 43;
  EXPECT_NE(Generate(other), a);
}

TEST(WorkloadGeneratorTest, RecordsAreInTimeOrderWithEventsAtTheirTimes) {
  const std::vector<OwnedRecord> records = Generate(SiteSpec());
  std::vector<std::pair<absl::Duration, TraceRecord::Kind>> events;
  std::vector<std::string> invalidated;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) {
      ASSERT_LE(records[i - 1].time, records[i].time) << i;
    }
    if (records[i].kind == TraceRecord::Kind::kRequest) continue;
    events.emplace_back(records[i].time - absl::UnixEpoch(), records[i].kind);
    if (records[i].kind == TraceRecord::Kind::kInvalidation)
      invalidated.push_back(records[i].target);
  }
  using K = TraceRecord::Kind;
  const std::vector<std::pair<absl::Duration, K>> expected = {
      {absl::Minutes(30), K::kInvalidation},
      {absl::Minutes(60), K::kDeploy},
      {absl::Minutes(90), K::kInvalidation},
      {absl::Minutes(120), K::kDeploy}};  // the deploy at 3 h is the end of the trace: excluded
  EXPECT_EQ(events, expected);
  EXPECT_EQ(invalidated, (std::vector<std::string>{"/index.html\n/a", "/docs/*"}));
}

TEST(WorkloadGeneratorTest, ZipfRankFrequencyFollowsAlpha) {
  GeneratorSpec g;
  g.seed = 7;
  g.objects = 1000;
  g.key_only = true;
  g.max_requests = 150000;
  g.duration = absl::InfiniteDuration();
  for (double alpha : {0.7, 1.0}) {
    g.zipf_alpha = alpha;
    std::vector<double> count(g.objects + 1);
    for (const OwnedRecord& r : Generate(g)) ++count[r.object_id];  // id = rank + 1
    // Least-squares slope of log(count) over log(rank) for ranks 1..50 estimates -alpha.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const int n = 50;
    for (int rank = 1; rank <= n; ++rank) {
      const double x = std::log(rank), y = std::log(count[rank]);
      sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    EXPECT_NEAR(slope, -alpha, 0.1) << "alpha " << alpha;
    EXPECT_GT(count[1], count[10]);
  }
}

TEST(WorkloadGeneratorTest, KeyOnlyTraceStopsAtRequestCount) {
  GeneratorSpec g;
  g.objects = 50;
  g.key_only = true;
  g.max_requests = 12345;
  g.duration = absl::InfiniteDuration();
  g.deploy_every = absl::Seconds(10);  // no paths: no deploys
  const std::vector<OwnedRecord> records = Generate(g);
  ASSERT_EQ(records.size(), 12345u);
  for (const OwnedRecord& r : records) {
    ASSERT_EQ(r.kind, TraceRecord::Kind::kRequest);
    ASSERT_TRUE(r.target.empty());
    ASSERT_GE(r.object_id, 1u);
    ASSERT_LE(r.object_id, 50u);
    ASSERT_EQ(r.size, 1024u);
  }
}

TEST(WorkloadGeneratorTest, DailyCycleHasMoreRequestsAtPeak) {
  GeneratorSpec g;
  g.objects = 10;
  g.key_only = true;
  g.duration = absl::Hours(48);
  g.rate = 0.5;
  g.daily_amplitude = 0.8;
  g.peak_hour = 20;
  g.start_hour = 0;
  std::vector<int> per_hour(24);
  const std::vector<OwnedRecord> records = Generate(g);
  for (const OwnedRecord& r : records) {
    ++per_hour[((r.time - absl::UnixEpoch()) / absl::Hours(1)) % 24];
  }
  const int peak = per_hour[19] + per_hour[20] + per_hour[21];
  const int trough = per_hour[7] + per_hour[8] + per_hour[9];
  // Expected about 1.8x vs 0.2x the mean rate.
  EXPECT_GT(peak, 4 * trough);
  EXPECT_NEAR(static_cast<double>(records.size()), 0.5 * 48 * 3600, 0.05 * 0.5 * 48 * 3600);
}

// "/assets/app4.1a2b3c4d.js" -> "/assets/app4."
std::string AssetStem(const std::string& path) { return path.substr(0, path.find('.') + 1); }

TEST(WorkloadGeneratorTest, DeployRenamesChangedAssetsAndListsChangedPages) {
  GeneratorSpec g = SiteSpec();
  g.invalidations.clear();
  g.deploy_every = absl::ZeroDuration();
  g.deploy_at = {absl::Minutes(90)};
  g.deploy_changed_fraction = 0.5;
  const std::vector<OwnedRecord> records = Generate(g);
  std::map<std::string, std::set<std::string>> names_before, names_after;  // stem -> names
  std::vector<std::string> listed;
  bool deployed = false;
  for (const OwnedRecord& r : records) {
    if (r.kind == TraceRecord::Kind::kDeploy) {
      EXPECT_EQ(r.time, absl::UnixEpoch() + absl::Minutes(90));
      listed = absl::StrSplit(r.target, '\n');
      deployed = true;
    } else if (r.target.rfind("/assets/", 0) == 0) {
      (deployed ? names_after : names_before)[AssetStem(r.target)].insert(r.target);
    }
  }
  ASSERT_TRUE(deployed);
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed[0], "/index.html");  // always changes
  for (const std::string& path : listed) {
    EXPECT_EQ(path.rfind("/assets/", 0), std::string::npos) << path;  // renamed, not listed
    EXPECT_EQ(path.find('?'), std::string::npos) << path;
  }
  int renamed = 0, kept = 0;
  for (const auto& [stem, before] : names_before) {
    ASSERT_EQ(before.size(), 1u) << stem;  // one name per version
    auto after = names_after.find(stem);
    if (after == names_after.end()) continue;
    ASSERT_EQ(after->second.size(), 1u) << stem;
    (*before.begin() == *after->second.begin() ? kept : renamed)++;
  }
  // About half of the assets seen on both sides changed.
  EXPECT_GT(renamed, 3);
  EXPECT_GT(kept, 3);
}

TEST(WorkloadGeneratorTest, PathLayoutPopsAndSizes) {
  GeneratorSpec g = SiteSpec();
  g.deploy_every = absl::ZeroDuration();
  g.invalidations.clear();
  g.pop_weights = {{"IAD89-C1", 3}, {"LHR61-C2", 1}};
  g.api_pages = 3;
  std::unique_ptr<TraceSource> source = MakeWorkloadGenerator(g);
  EXPECT_EQ(source->pops(), (std::vector<std::string>{"IAD89-C1", "LHR61-C2"}));
  const std::vector<OwnedRecord> records = Requests(ReadAll(*source));
  std::map<std::string, int> per_target;
  int iad = 0, api = 0;
  std::map<std::string, uint64_t> asset_size;
  for (const OwnedRecord& r : records) {
    ++per_target[r.target];
    iad += r.pop == "IAD89-C1";
    EXPECT_EQ(r.method, "GET");
    if (r.target.rfind("/api/items/", 0) == 0) {
      ++api;
      const size_t q = r.target.find("?page=");
      ASSERT_NE(q, std::string::npos) << r.target;
      const int page = std::stoi(r.target.substr(q + 6));
      EXPECT_TRUE(page >= 1 && page <= 3) << r.target;
    } else if (r.target.rfind("/assets/", 0) == 0) {
      asset_size[AssetStem(r.target)] = r.size;
    } else {
      EXPECT_TRUE(r.target == "/index.html" || r.target.rfind("/docs/page-", 0) == 0) << r.target;
      EXPECT_EQ(r.size, 1024u);
    }
  }
  EXPECT_GT(api, 0);
  const auto most =
      std::max_element(per_target.begin(), per_target.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_EQ(most->first, "/index.html");
  EXPECT_NEAR(static_cast<double>(iad) / records.size(), 0.75, 0.03);
  // Lognormal asset sizes around the 30000-byte median.
  std::vector<uint64_t> sizes;
  for (const auto& [stem, size] : asset_size) sizes.push_back(size);
  ASSERT_GT(sizes.size(), 40u);
  std::nth_element(sizes.begin(), sizes.begin() + sizes.size() / 2, sizes.end());
  EXPECT_GT(sizes[sizes.size() / 2], 15000u);
  EXPECT_LT(sizes[sizes.size() / 2], 60000u);
  EXPECT_NE(*std::min_element(sizes.begin(), sizes.end()),
            *std::max_element(sizes.begin(), sizes.end()));
}

}  // namespace
}  // namespace edgesim::sim
