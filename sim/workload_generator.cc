#include "sim/workload_generator.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"

namespace edgesim::sim {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A value in [0, 1) from 53 random bits.
double ToUnit(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// A value in (0, 1], safe for log().
double ToOpenUnit(uint64_t bits) { return static_cast<double>((bits >> 11) + 1) * 0x1.0p-53; }

// Independent per-object draws: a hash of (seed, purpose, object[, deploy]).
uint64_t Hash(uint64_t seed, uint64_t purpose, uint64_t a, uint64_t b = 0) {
  return Mix(seed ^ Mix(purpose ^ Mix(a ^ Mix(b))));
}
enum Purpose : uint64_t { kClass = 1, kSize, kSizeAngle, kChange, kAssetName };

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

uint64_t DrawSize(const SizeDistribution& d, uint64_t seed, uint64_t rank) {
  if (d.kind == SizeDistribution::Kind::kFixed) return d.bytes;
  // Box-Muller: one standard normal from two uniforms.
  const double u1 = ToOpenUnit(Hash(seed, kSize, rank));
  const double u2 = ToUnit(Hash(seed, kSizeAngle, rank));
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  const double size = std::round(static_cast<double>(d.bytes) * std::exp(d.sigma * z));
  return static_cast<uint64_t>(std::clamp(size, 1.0, 1e12));
}

class WorkloadGenerator : public TraceSource {
 public:
  explicit WorkloadGenerator(const GeneratorSpec& spec)
      : spec_(spec), rng_(Mix(spec.seed)), versions_(spec.objects, 1) {
    BuildZipfTable();
    BuildObjects();
    for (const auto& [pop, weight] : spec_.pop_weights) {
      pops_.push_back(pop);
      pop_cumulative_.push_back((pop_cumulative_.empty() ? 0 : pop_cumulative_.back()) + weight);
    }
    if (pops_.empty()) pops_.push_back(kDefaultPop);
    deploy_at_ = spec_.deploy_at;
    std::sort(deploy_at_.begin(), deploy_at_.end());
    std::stable_sort(spec_.invalidations.begin(), spec_.invalidations.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    next_every_deploy_ =
        spec_.deploy_every > absl::ZeroDuration() ? spec_.deploy_every : absl::InfiniteDuration();
    peak_rate_ = spec_.rate * (1 + spec_.daily_amplitude);
    AdvanceClock();
  }

  bool Next(TraceBatch& batch) override {
    batch.Clear();
    if (batch.records.capacity() < TraceBatch::kRecords)
      batch.records.reserve(TraceBatch::kRecords);
    while (batch.records.size() < TraceBatch::kRecords) {
      const absl::Duration event_at = NextEventTime();
      // The request budget ends the trace; the duration ends it after the events before it.
      const bool budget_left = spec_.max_requests == 0 || requests_ < spec_.max_requests;
      const bool requests_left = budget_left && next_request_at_ < spec_.duration;
      if (budget_left && event_at < spec_.duration &&
          (!requests_left || event_at <= next_request_at_)) {
        EmitEvent(batch);
      } else if (requests_left) {
        EmitRequest(batch);
        AdvanceClock();
      } else {
        break;
      }
    }
    stats_.records += batch.records.size();
    return !batch.records.empty();
  }

  absl::Status status() const override { return absl::OkStatus(); }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }

 private:
  void BuildZipfTable() {
    zipf_cumulative_.resize(spec_.objects);
    double total = 0;
    for (uint64_t r = 0; r < spec_.objects; ++r) {
      total += std::pow(static_cast<double>(r + 1), -spec_.zipf_alpha);
      zipf_cumulative_[r] = total;
    }
  }

  void BuildObjects() {
    sizes_.resize(spec_.objects);
    classes_.resize(spec_.objects, PathClass::kHtml);
    double class_total = 0;
    for (double w : spec_.class_weights) class_total += w;
    for (uint64_t r = 0; r < spec_.objects; ++r) {
      if (!spec_.key_only && !(r == 0 && spec_.class_weights[0] > 0)) {
        // Rank 0 is /index.html whenever the site has pages.
        const double u = ToUnit(Hash(spec_.seed, kClass, r)) * class_total;
        double cumulative = 0;
        for (int c = 0; c < kPathClasses; ++c) {
          if (spec_.class_weights[c] <= 0) continue;
          cumulative += spec_.class_weights[c];
          classes_[r] = static_cast<PathClass>(c);
          if (u < cumulative) break;
        }
      }
      sizes_[r] = DrawSize(spec_.sizes[static_cast<int>(classes_[r])], spec_.seed, r);
    }
  }

  // Moves to the next request time: a Poisson process at the peak rate, thinned to the daily
  // cycle's rate at each candidate time.
  void AdvanceClock() {
    for (;;) {
      next_seconds_ += -std::log(ToOpenUnit(rng_.Next())) / peak_rate_;
      // Whole nanoseconds, so text traces written from it read back exactly; past ~285 years
      // (beyond int64 nanoseconds) the trace ends.
      next_request_at_ = next_seconds_ < 9e9 ? absl::Nanoseconds(std::llround(next_seconds_ * 1e9))
                                             : absl::InfiniteDuration();
      if (next_request_at_ >= spec_.duration || spec_.daily_amplitude == 0) return;
      const double hour = std::fmod(spec_.start_hour + next_seconds_ / 3600, 24);
      const double rate =
          spec_.rate * (1 + spec_.daily_amplitude *
                                std::cos(2 * std::numbers::pi * (hour - spec_.peak_hour) / 24));
      if (ToUnit(rng_.Next()) * peak_rate_ < rate) return;
    }
  }

  uint64_t DrawRank() {
    const double u = ToUnit(rng_.Next()) * zipf_cumulative_.back();
    const auto it = std::upper_bound(zipf_cumulative_.begin(), zipf_cumulative_.end(), u);
    return std::min<uint64_t>(it - zipf_cumulative_.begin(), spec_.objects - 1);
  }

  uint32_t DrawPop() {
    if (pop_cumulative_.size() <= 1) return 0;
    const double u = ToUnit(rng_.Next()) * pop_cumulative_.back();
    for (size_t i = 0; i + 1 < pop_cumulative_.size(); ++i) {
      if (u < pop_cumulative_[i]) return static_cast<uint32_t>(i);
    }
    return static_cast<uint32_t>(pop_cumulative_.size() - 1);
  }

  // The object's path (without the API page query) at its current version, into `out`.
  void AppendPath(uint64_t rank, std::string& out) const {
    switch (classes_[rank]) {
      case PathClass::kHtml:
        if (rank == 0) {
          out += "/index.html";
        } else {
          out += "/docs/page-";
          absl::StrAppend(&out, rank);
          out += ".html";
        }
        return;
      case PathClass::kAsset: {
        static constexpr const char* kStems[] = {"app", "vendor", "style", "logo"};
        static constexpr const char* kExtensions[] = {"js", "js", "css", "png"};
        out += "/assets/";
        out += kStems[rank % 4];
        absl::StrAppend(&out, rank);
        out += '.';
        const uint32_t hash =
            static_cast<uint32_t>(Hash(spec_.seed, kAssetName, rank, versions_[rank]));
        char hex[9];
        for (int i = 0; i < 8; ++i) hex[i] = "0123456789abcdef"[(hash >> (28 - 4 * i)) & 0xf];
        out.append(hex, 8);
        out += '.';
        out += kExtensions[rank % 4];
        return;
      }
      case PathClass::kApi:
        out += "/api/items/";
        absl::StrAppend(&out, rank);
        return;
    }
  }

  void EmitRequest(TraceBatch& batch) {
    const uint64_t rank = DrawRank();
    TraceRecord& r = batch.records.emplace_back();
    r.time = absl::UnixEpoch() + next_request_at_;
    r.size = sizes_[rank];
    r.pop = DrawPop();
    if (spec_.key_only) {
      r.object_id = rank + 1;
    } else {
      scratch_.clear();
      AppendPath(rank, scratch_);
      if (classes_[rank] == PathClass::kApi) {
        scratch_ += "?page=";
        absl::StrAppend(&scratch_,
                        1 + static_cast<uint64_t>(ToUnit(rng_.Next()) * spec_.api_pages));
      }
      r.target = batch.arena.Store(scratch_);
      r.object_id = XXH3_64bits(r.target.data(), r.target.size());
    }
    ++requests_;
  }

  absl::Duration NextDeployTime() const {
    if (spec_.key_only) return absl::InfiniteDuration();
    absl::Duration next = next_every_deploy_;
    if (next_deploy_at_ < deploy_at_.size()) next = std::min(next, deploy_at_[next_deploy_at_]);
    return next;
  }

  absl::Duration NextEventTime() const {
    absl::Duration next = NextDeployTime();
    if (next_invalidation_ < spec_.invalidations.size()) {
      next = std::min(next, spec_.invalidations[next_invalidation_].at);
    }
    return next;
  }

  void EmitEvent(TraceBatch& batch) {
    const absl::Duration at = NextEventTime();
    TraceRecord& r = batch.records.emplace_back();
    r.time = absl::UnixEpoch() + at;
    scratch_.clear();
    // A deploy goes first: an invalidation at the same time is meant to follow it.
    if (NextDeployTime() == at) {
      r.kind = TraceRecord::Kind::kDeploy;
      Deploy();
      if (next_every_deploy_ == at) next_every_deploy_ += spec_.deploy_every;
      while (next_deploy_at_ < deploy_at_.size() && deploy_at_[next_deploy_at_] == at) {
        ++next_deploy_at_;
      }
    } else {
      r.kind = TraceRecord::Kind::kInvalidation;
      for (const std::string& path : spec_.invalidations[next_invalidation_].paths) {
        if (!scratch_.empty()) scratch_ += '\n';
        scratch_ += path;
      }
      ++next_invalidation_;
    }
    r.target = batch.arena.Store(scratch_);
  }

  // Bumps the changed objects' versions; lists the changed html and API paths in scratch_.
  void Deploy() {
    ++deploys_;
    for (uint64_t rank = 0; rank < spec_.objects; ++rank) {
      const bool index_html = rank == 0 && classes_[0] == PathClass::kHtml;
      if (!index_html &&
          ToUnit(Hash(spec_.seed, kChange, rank, deploys_)) >= spec_.deploy_changed_fraction) {
        continue;
      }
      ++versions_[rank];
      if (classes_[rank] == PathClass::kAsset) continue;
      if (!scratch_.empty()) scratch_ += '\n';
      AppendPath(rank, scratch_);
    }
  }

  GeneratorSpec spec_;
  SplitMix64 rng_;
  std::vector<double> zipf_cumulative_;  // unnormalised CDF over ranks
  std::vector<uint64_t> sizes_;
  std::vector<PathClass> classes_;
  std::vector<uint32_t> versions_;
  std::vector<std::string> pops_;
  std::vector<double> pop_cumulative_;
  std::vector<absl::Duration> deploy_at_;  // sorted
  size_t next_deploy_at_ = 0;
  absl::Duration next_every_deploy_;
  size_t next_invalidation_ = 0;
  uint64_t deploys_ = 0;
  double peak_rate_ = 0;
  double next_seconds_ = 0;
  absl::Duration next_request_at_;
  uint64_t requests_ = 0;
  std::string scratch_;
  TraceStats stats_;
};

}  // namespace

std::unique_ptr<TraceSource> MakeWorkloadGenerator(const GeneratorSpec& spec) {
  EDGESIM_CHECK(spec.objects >= 1 && spec.objects <= kMaxGeneratedObjects);
  return std::make_unique<WorkloadGenerator>(spec);
}

}  // namespace edgesim::sim
