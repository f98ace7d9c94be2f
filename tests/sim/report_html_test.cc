#include "sim/report_html.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ReportHtmlTest, SelfContainedWithOneLinePerVariantAndDeployMarkers) {
  SimulationResult r;
  r.scenario = "a <b>";
  r.series_buckets = 3;
  r.series_bucket = absl::Seconds(10);
  r.deploys = {12, 25};
  for (const char* name : {"x", "y"}) {
    VariantResult v;
    v.name = name;
    v.series.resize(3);
    v.series[1].requests = 4;
    v.series[1].hits = 2;
    r.variants.push_back(v);
  }
  const std::string html = RenderHtml(r);
  EXPECT_THAT(html, HasSubstr("<h1>a &lt;b&gt;</h1>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http://cdn")));
  // 3 charts x 2 variants; 3 charts x 2 deploys.
  size_t lines = 0, deploys = 0;
  for (size_t at = html.find("<polyline"); at != std::string::npos; at = html.find("<polyline", at + 1)) ++lines;
  for (size_t at = html.find("stroke-dasharray"); at != std::string::npos; at = html.find("stroke-dasharray", at + 1)) ++deploys;
  EXPECT_EQ(lines, 6u);
  EXPECT_EQ(deploys, 6u);
  EXPECT_EQ(html.find("<svg") != std::string::npos, true);
}

}  // namespace
}  // namespace edgesim::sim
