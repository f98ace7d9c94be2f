#include "sim/report_html.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "sim/report_text.h"

namespace edgesim::sim {
namespace {

constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr int kWidth = 760, kHeight = 260, kLeft = 60, kRight = 20, kTop = 20, kBottom = 30;

std::string Escape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Color(size_t i) { return kColors[i % (sizeof(kColors) / sizeof(kColors[0]))]; }

// One line per variant of `value(bucket tally)`, deploys as dashed vertical lines.
std::string Chart(const SimulationResult& r, const std::string& title,
                  const std::function<double(const Tally&)>& value, bool percent) {
  const int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const int n = std::max(1, r.series_buckets);
  double max = percent ? 1.0 : 0.0;
  for (const VariantResult& v : r.variants) {
    for (const Tally& t : v.series) max = std::max(max, value(t));
  }
  if (max <= 0) max = 1;
  const double bucket_s = absl::ToDoubleSeconds(r.series_bucket);
  auto x = [&](double bucket) { return kLeft + plot_w * bucket / std::max(1, n - 1); };
  auto y = [&](double v) { return kTop + plot_h * (1 - v / max); };
  std::string svg = absl::StrFormat(
      "<h3>%s</h3>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
      "stroke=\"#ccc\"/>\n",
      Escape(title), kWidth, kHeight, kWidth, kHeight, kLeft, kTop, plot_w, plot_h);
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = max * tick / 4;
    absl::StrAppend(&svg, absl::StrFormat(
                              "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s"
                              "</text>\n",
                              kLeft - 4, y(v) + 4,
                              percent ? absl::StrFormat("%.0f%%", v * 100)
                                      : absl::StrFormat("%.4g", v)));
  }
  absl::StrAppend(&svg, absl::StrFormat("<text x=\"%d\" y=\"%d\" font-size=\"11\">0 s</text>"
                                        "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
                                        "text-anchor=\"end\">%.0f s</text>\n",
                                        kLeft, kHeight - 8, kWidth - kRight, kHeight - 8,
                                        bucket_s * n));
  for (double deploy : r.deploys) {
    const double bx = x(deploy / bucket_s);
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                                          "stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
                                          bx, kTop, bx, kTop + plot_h));
  }
  for (size_t i = 0; i < r.variants.size(); ++i) {
    std::string points;
    for (size_t b = 0; b < r.variants[i].series.size(); ++b) {
      absl::StrAppend(&points, absl::StrFormat("%.1f,%.1f ", x(static_cast<double>(b)),
                                               y(value(r.variants[i].series[b]))));
    }
    absl::StrAppend(&svg, "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"", Color(i),
                    "\" points=\"", points, "\"><title>", Escape(r.variants[i].name),
                    "</title></polyline>\n");
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

std::string Legend(const SimulationResult& r) {
  std::string out = "<p class=\"legend\">";
  for (size_t i = 0; i < r.variants.size(); ++i) {
    absl::StrAppend(&out, "<span><i style=\"background:", Color(i), "\"></i>",
                    Escape(r.variants[i].name), "</span> ");
  }
  return absl::StrCat(out, "<span>dashed: deploys</span></p>\n");
}

}  // namespace

std::string RenderHtml(const SimulationResult& r) {
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>edgesim: ",
      Escape(r.scenario), "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
      "pre{background:#f4f4f4;padding:1em;overflow-x:auto}"
      ".legend span{margin-right:1.2em;white-space:nowrap}"
      ".legend i{display:inline-block;width:12px;height:12px;margin-right:4px}</style>"
      "</head><body>\n<h1>", Escape(r.scenario.empty() ? "simulation" : r.scenario), "</h1>\n");
  if (!r.description.empty()) absl::StrAppend(&html, "<p>", Escape(r.description), "</p>\n");
  absl::StrAppend(&html, "<p>", r.records, " input records, ", r.bad_records,
                  " bad records skipped; time buckets of ",
                  absl::ToInt64Seconds(r.series_bucket), " s.</p>\n");
  absl::StrAppend(&html, "<pre>", Escape(RenderTable(r)), "</pre>\n", Legend(r));
  absl::StrAppend(&html, Chart(r, "Hit ratio over time", HitRatio, true));
  absl::StrAppend(&html, Chart(
                             r, "Origin requests per bucket",
                             [](const Tally& t) { return static_cast<double>(t.origin_requests); },
                             false));
  absl::StrAppend(&html, Chart(
                             r, "Stale responses per bucket (after deploys)",
                             [](const Tally& t) { return static_cast<double>(t.stale); }, false));
  absl::StrAppend(&html, "</body></html>\n");
  return html;
}

}  // namespace edgesim::sim
