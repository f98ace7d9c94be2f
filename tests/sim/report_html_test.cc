#include "sim/report_html.h"

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/simulation.h"
#include "sim/vector_trace_source.h"

namespace edgesim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A variant whose origin requests climb to 16,120 per bucket (the figure that was once printed
// as "1.612e+04"), over an hour in 60 buckets of a minute.
VariantResult ReportHtmlVariant(const std::string& name) {
  VariantResult v;
  v.name = name;
  v.settings = {{"default_ttl", 60}};
  v.series.resize(60);
  for (int b = 0; b < 60; ++b) {
    Tally& t = v.series[b];
    t.requests = 20'000 + 100 * b;
    t.hits = t.requests * 9 / 10;
    t.misses = t.requests - t.hits;
    t.origin_requests = b == 30 ? 16'120 : t.misses;
    t.bytes = t.requests * 1000;
    t.origin_bytes = t.origin_requests * 1000;
    v.total += t;
  }
  v.behaviors["Default (*)"] = v.total;
  v.pops["IAD89-C1"] = v.total;
  v.miss_reasons["not_cached"] = v.total.misses;
  v.cache["evictions"] = 3;
  return v;
}

SimulationResult ReportHtmlResult(int variants) {
  SimulationResult r;
  r.scenario = "sweep <ttl>";
  r.series_buckets = 60;
  r.series_bucket = absl::Seconds(60);
  r.deploys = {900, 2700};
  for (int i = 0; i < variants; ++i) {
    r.variants.push_back(ReportHtmlVariant(absl::StrCat("variant ", i)));
  }
  return r;
}

struct DrawnSeries {
  std::string variant;
  std::string dash;
  std::string marker;
  int markers = 0;
};

// Every variant's line in every chart, in order.
std::vector<DrawnSeries> ReportHtmlSeries(const std::string& html) {
  static const std::regex kGroup(
      R"re(<g class="v\d+" data-variant="([^"]*)" data-dash="([^"]*)" data-marker="([^"]*)">)re"
      R"re(<polyline[^>]*stroke-dasharray="([^"]*)"(.*?)</g>)re");
  std::vector<DrawnSeries> out;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kGroup);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    EXPECT_EQ(m[2].str(), m[4].str()) << "data-dash names the polyline's dash pattern";
    const std::string body = m[5].str();
    int markers = 0;
    for (size_t at = body.find("class=\"marker\""); at != std::string::npos;
         at = body.find("class=\"marker\"", at + 1)) {
      ++markers;
    }
    out.push_back({m[1].str(), m[2].str(), m[3].str(), markers});
  }
  return out;
}

std::vector<std::string> ReportHtmlTicks(const std::string& html, const std::string& axis) {
  const std::regex tick(absl::StrCat(R"(<text class="tick )", axis, R"("[^>]*>([^<]*)</text>)"));
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tick); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

// "15k" -> 15000, "20 %" -> 20, "2.5 MB" -> 2.5e6, "30 min" -> 30; false when not a number with
// a known unit.
bool ReportHtmlTickValue(const std::string& label, double* value) {
  static const std::regex kLabel(R"(^(\d+(?:\.\d+)?)(?: ?(k|M|G|%|B|kB|MB|GB|s|min|h|d))?$)");
  std::smatch m;
  if (!std::regex_match(label, m, kLabel)) return false;
  static const std::map<std::string, double> kScale = {
      {"", 1},     {"k", 1e3},  {"M", 1e6}, {"G", 1e9},  {"%", 1},    {"B", 1},    {"kB", 1e3},
      {"MB", 1e6}, {"GB", 1e9}, {"s", 1},   {"min", 60}, {"h", 3600}, {"d", 86400}};
  *value = std::stod(m[1].str()) * kScale.at(m[2].str());
  return true;
}

// The y ticks of one chart: equally spaced by 1, 2 or 5 times a power of ten.
void ExpectNiceSteps(const std::vector<std::string>& labels) {
  ASSERT_GE(labels.size(), 2u);
  std::vector<double> values;
  for (const std::string& label : labels) {
    double v;
    ASSERT_TRUE(ReportHtmlTickValue(label, &v)) << "\"" << label << "\"";
    values.push_back(v);
  }
  const double step = values[1] - values[0];
  ASSERT_GT(step, 0);
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-6 || std::fabs(mantissa - 2) < 1e-6 ||
              std::fabs(mantissa - 5) < 1e-6)
      << "step " << step;
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_NEAR(values[i] - values[i - 1], step, step * 1e-6) << labels[i];
  }
}

// The text between the first `open` and the next `close` after it.
std::string ReportHtmlBetween(const std::string& html, const std::string& open,
                              const std::string& close) {
  const size_t start = html.find(open);
  if (start == std::string::npos) return "";
  const size_t end = html.find(close, start);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

int ReportHtmlCount(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(ReportHtmlTest, SelfContainedAndEscaped) {
  const std::string html = RenderHtml(ReportHtmlResult(2));
  EXPECT_THAT(html, HasSubstr("sweep &lt;ttl&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  // The only URL is SVG's namespace name, which is never fetched.
  EXPECT_EQ(
      ReportHtmlCount(absl::StrReplaceAll(html, {{"http://www.w3.org/2000/svg", ""}}), "http"), 0);
  EXPECT_THAT(html, Not(HasSubstr("<pre")));
}

TEST(ReportHtmlTest, IdenticalVariantsAreDrawnWithDifferentDashesAndMarkers) {
  const std::string html = RenderHtml(ReportHtmlResult(2));
  const std::vector<DrawnSeries> series = ReportHtmlSeries(html);
  ASSERT_EQ(series.size(), 12u);  // 6 charts x 2 variants
  for (size_t i = 0; i < series.size(); i += 2) {
    EXPECT_EQ(series[i].variant, "variant 0");
    EXPECT_EQ(series[i + 1].variant, "variant 1");
    EXPECT_NE(series[i].dash, series[i + 1].dash);
    EXPECT_NE(series[i].marker, series[i + 1].marker);
    EXPECT_GT(series[i].markers, 0);
    EXPECT_GT(series[i + 1].markers, 0);
  }
  // Each chart says which lines coincide.
  EXPECT_EQ(ReportHtmlCount(html, "class=\"overlap\""), 6);
  // Deploys: 2 per chart.
  EXPECT_EQ(ReportHtmlCount(html, "class=\"deploy\""), 12);
  // A legend toggle per variant.
  EXPECT_EQ(ReportHtmlCount(html, "type=\"checkbox\""), 2);
  EXPECT_EQ(ReportHtmlCount(html, "<label for=\"show-"), 2);
}

TEST(ReportHtmlTest, AxesHaveNiceTicksWithUnits) {
  const std::string html = RenderHtml(ReportHtmlResult(2));
  EXPECT_THAT(html, Not(HasSubstr("e+")));
  // Split the page per chart and check each chart's y axis.
  int charts = 0;
  for (size_t at = html.find("<figure"); at != std::string::npos;
       at = html.find("<figure", at + 1)) {
    const std::string chart = html.substr(at, html.find("</figure>", at) - at);
    const std::vector<std::string> y = ReportHtmlTicks(chart, "y");
    ExpectNiceSteps(y);
    // An hour in clock steps, labeled with its unit.
    EXPECT_THAT(
        ReportHtmlTicks(chart, "x"),
        ::testing::ElementsAre("0", "10 min", "20 min", "30 min", "40 min", "50 min", "60 min"));
    EXPECT_GE(ReportHtmlCount(chart, "class=\"axis-title\""), 2);
    ++charts;
  }
  EXPECT_EQ(charts, 6);
  // The origin-requests chart reaches 16,120: ticks of 5k up to 20k.
  const std::string origin = ReportHtmlBetween(html, "id=\"chart-origin-requests\"", "</figure>");
  EXPECT_THAT(ReportHtmlTicks(origin, "y"), ::testing::ElementsAre("0", "5k", "10k", "15k", "20k"));
}

TEST(ReportHtmlTest, EightVariantsGetOneTableRowAndOneStyleEach) {
  const std::string html = RenderHtml(ReportHtmlResult(8));
  const std::string table = ReportHtmlBetween(html, "<table class=\"variants\"", "</table>");
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(ReportHtmlCount(table, "<tr class=\"v"), 8);
  for (int i = 0; i < 8; ++i) {
    EXPECT_THAT(table, HasSubstr(absl::StrCat("data-variant=\"variant ", i, "\"")));
  }
  // The table scrolls sideways instead of being cut off; figures are right-aligned cells.
  EXPECT_THAT(html, HasSubstr("<div class=\"scroll\"><table class=\"variants\""));
  EXPECT_GT(ReportHtmlCount(table, "<td class=\"num\">"), 8 * 10);
  std::set<std::pair<std::string, std::string>> styles;
  for (const DrawnSeries& s : ReportHtmlSeries(html)) styles.insert({s.dash, s.marker});
  EXPECT_EQ(styles.size(), 8u);
}

TEST(ReportHtmlTest, BreakdownsAndDefinitions) {
  const std::string html = RenderHtml(ReportHtmlResult(3));
  for (const char* id : {"behaviors", "pops", "miss-reasons", "cache-counters", "definitions"}) {
    const std::string section =
        ReportHtmlBetween(html, absl::StrCat("<section id=\"", id, "\""), "</section>");
    ASSERT_FALSE(section.empty()) << id;
    if (std::string(id) == "definitions") {
      for (const char* term :
           {"hit ratio", "hit ratio without RefreshHits", "request offload", "byte offload"}) {
        EXPECT_THAT(section, HasSubstr(absl::StrCat("<dt>", term, "</dt>"))) << term;
      }
      continue;
    }
    // One row (or cell) per variant for the single key.
    // Breakdowns: a row per variant and key; matrices: a header and a cell per key.
    const bool matrix = std::string(id) == "miss-reasons" || std::string(id) == "cache-counters";
    EXPECT_EQ(ReportHtmlCount(section, "data-variant=\"variant 2\""), matrix ? 2 : 1) << id;
  }
  const std::string reasons = ReportHtmlBetween(html, "<section id=\"miss-reasons\"", "</section>");
  EXPECT_THAT(reasons, HasSubstr("data-key=\"not_cached\""));
}

// The workload of ReplayTest.HitMissSequenceOfATinyTrace, counted by hand: 7 requests, 2 misses,
// 3 hits, 2 RefreshHits; the origin saw 4 requests (2 fetches, 2 revalidations) and sent 200 of
// the 700 body bytes.
TEST(ReportHtmlTest, OffloadOfASmallWorkloadComputedByHand) {
  const absl::Time t0 = absl::FromUnixSeconds(1'767'225'600);
  absl::StatusOr<Scenario> scenario = ParseScenario(nlohmann::json::parse(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=60"}, "size": 100}]}
  })"),
                                                    ".");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  VectorTraceSource trace;
  for (const auto& [at, path] : std::vector<std::pair<double, const char*>>{
           {0, "/a"}, {10, "/a"}, {20, "/b"}, {70, "/a"}, {71, "/a"}, {79, "/b"}, {80, "/b"}}) {
    trace.AddRequest(t0 + absl::Seconds(at), path);
  }
  SimulationOptions options;
  options.threads = 1;
  absl::StatusOr<SimulationResult> r = RunSimulation(*scenario, trace, options, t0);
  ASSERT_TRUE(r.ok()) << r.status();
  const Tally& t = r->variants[0].total;
  ASSERT_EQ(t.requests, 7u);
  ASSERT_EQ(t.origin_requests, 4u);
  EXPECT_DOUBLE_EQ(RequestOffload(t), 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(ByteOffload(t), 500.0 / 700.0);
  EXPECT_DOUBLE_EQ(HitRatio(t), 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(HitRatioWithoutRefreshHits(t), 3.0 / 7.0);

  // The comparison table's cells, by column header.
  const std::string html = RenderHtml(*r);
  const std::string table = ReportHtmlBetween(html, "<table class=\"variants\"", "</table>");
  static const std::regex kHeader(R"(<th[^>]*>([^<]*)</th>)");
  static const std::regex kNumber(R"(<td class="num">([^<]*)</td>)");
  const std::string head = ReportHtmlBetween(table, "<thead>", "</thead>");
  const std::string row = ReportHtmlBetween(table, "<tr class=\"v0\"", "</tr>");
  std::vector<std::string> headers, cells;
  for (auto it = std::sregex_iterator(head.begin(), head.end(), kHeader);
       it != std::sregex_iterator(); ++it) {
    headers.push_back((*it)[1].str());
  }
  for (auto it = std::sregex_iterator(row.begin(), row.end(), kNumber);
       it != std::sregex_iterator(); ++it) {
    cells.push_back((*it)[1].str());
  }
  ASSERT_GE(headers.size(), cells.size() + 1);
  std::map<std::string, std::string> by_header;
  for (size_t i = 0; i < cells.size(); ++i) by_header[headers[i + 1]] = cells[i];  // 0: variant
  EXPECT_EQ(by_header["requests"], "7");
  EXPECT_EQ(by_header["hit ratio"], "71.43 %");
  EXPECT_EQ(by_header["hit ratio without RefreshHits"], "42.86 %");
  EXPECT_EQ(by_header["request offload"], "42.86 %");
  EXPECT_EQ(by_header["byte offload"], "71.43 %");
  EXPECT_EQ(by_header["origin requests"], "4");
  EXPECT_EQ(by_header["origin bytes"], "200 B");
}

}  // namespace
}  // namespace edgesim::sim
