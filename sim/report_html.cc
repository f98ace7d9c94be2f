#include "sim/report_html.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "sim/chart_axis.h"
#include "sim/report_text.h"
#include "sim/report_units.h"

namespace edgesim::sim {
namespace {

// ---- Styles: color, dash pattern and marker per variant -----------------------------------------

constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr const char* kDashes[] = {"none", "9 4",          "2 3", "10 3 2 3",
                                   "5 5",  "12 3 2 3 2 3", "1 6", "6 2"};
enum class Marker { kCircle, kSquare, kTriangle, kDiamond, kTriangleDown, kPlus, kCross, kRing };
constexpr const char* kMarkerNames[] = {"circle",        "square", "triangle", "diamond",
                                        "triangle-down", "plus",   "cross",    "ring"};
constexpr int kStyles = 8;

struct Style {
  const char* color;
  const char* dash;
  Marker marker;
};

// Dash and marker cycle over 8, shifted against each other past 8, so (dash, marker) pairs stay
// distinct for 64 variants; colors add a third difference.
Style StyleOf(size_t i) {
  const size_t turn = i / kStyles;
  return {kColors[i % (sizeof(kColors) / sizeof(kColors[0]))], kDashes[i % kStyles],
          static_cast<Marker>((i + turn) % kStyles)};
}

const char* MarkerName(Marker m) { return kMarkerNames[static_cast<int>(m)]; }

std::string Escape(absl::string_view text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// A marker centered on (x, y): filled shapes, or strokes for plus, cross and ring.
std::string MarkerSvg(Marker m, double x, double y, const char* color, absl::string_view title) {
  constexpr double r = 4;
  std::string d;
  bool filled = true;
  switch (m) {
    case Marker::kCircle:
    case Marker::kRing:
      d = absl::StrFormat("M%.1f %.1fa%g %g 0 1 0 %g 0a%g %g 0 1 0 %g 0", x - r, y, r, r, 2 * r, r,
                          r, -2 * r);
      filled = m == Marker::kCircle;
      break;
    case Marker::kSquare:
      d = absl::StrFormat("M%.1f %.1fh%gv%gh%gZ", x - r, y - r, 2 * r, 2 * r, -2 * r);
      break;
    case Marker::kTriangle:
      d = absl::StrFormat("M%.1f %.1fL%.1f %.1fL%.1f %.1fZ", x, y - r - 1, x + r + 1, y + r,
                          x - r - 1, y + r);
      break;
    case Marker::kDiamond:
      d = absl::StrFormat("M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ", x, y - r - 1, x + r + 1, y,
                          x, y + r + 1, x - r - 1, y);
      break;
    case Marker::kTriangleDown:
      d = absl::StrFormat("M%.1f %.1fL%.1f %.1fL%.1f %.1fZ", x, y + r + 1, x + r + 1, y - r,
                          x - r - 1, y - r);
      break;
    case Marker::kPlus:
      d = absl::StrFormat("M%.1f %.1fH%.1fM%.1f %.1fV%.1f", x - r - 1, y, x + r + 1, x, y - r - 1,
                          y + r + 1);
      filled = false;
      break;
    case Marker::kCross:
      d = absl::StrFormat("M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f", x - r, y - r, x + r, y + r,
                          x + r, y - r, x - r, y + r);
      filled = false;
      break;
  }
  return absl::StrCat("<path class=\"marker\" d=\"", d, "\" fill=\"", filled ? color : "#fff",
                      "\" stroke=\"", color, "\" stroke-width=\"", filled ? "1" : "2", "\">",
                      title.empty() ? "" : absl::StrCat("<title>", Escape(title), "</title>"),
                      "</path>");
}

// A short line in the variant's style with its marker: the legend's and the table's key.
std::string KeySvg(size_t i) {
  const Style s = StyleOf(i);
  return absl::StrCat(
      "<svg class=\"key\" width=\"44\" height=\"14\" viewBox=\"0 0 44 14\" aria-hidden=\"true\">"
      "<line x1=\"1\" y1=\"7\" x2=\"43\" y2=\"7\" stroke=\"",
      s.color, "\" stroke-width=\"2\" stroke-dasharray=\"", s.dash, "\"/>",
      MarkerSvg(s.marker, 22, 7, s.color, ""), "</svg>");
}

// ---- Metrics and their definitions (DESIGN 6.1) ------------------------------------------------

struct Definition {
  const char* term;
  const char* text;
};

constexpr Definition kDefinitions[] = {
    {"requests", "Viewer requests the variant answered, over every POP and behavior."},
    {"hit ratio",
     "(Hit + RefreshHit) / requests. CloudFront calls the share of requests served from its "
     "cache, compared to all requests, the cache hit ratio; edgesim counts a RefreshHit (an "
     "expired copy the origin confirmed with a 304) as a hit, as X-Cache names it."},
    {"hit ratio without RefreshHits",
     "Hit / requests: the answers that did not contact the origin at all. Longer TTLs turn "
     "RefreshHits into Hits, so this one moves in a TTL sweep where the hit ratio stays flat."},
    {"request offload",
     "1 - origin requests / requests: the share of viewer requests the origin never saw. "
     "Revalidations count against it; regional edge caches and Origin Shield count for it. "
     "At least 0 (failover can send one request to two origins)."},
    {"byte offload",
     "1 - origin bytes / viewer bytes: the share of body bytes the origin did not have to send "
     "(a 304 sends none). At least 0."},
    {"byte hit ratio", "Body bytes served from a Hit or RefreshHit / all body bytes served."},
    {"origin requests",
     "Requests that reached the origin: fetches, conditional revalidations (304) and requests to "
     "a failover origin, after the tiers that absorbed their share."},
    {"origin bytes", "Body bytes the origin sent."},
    {"RefreshHits", "Expired copies revalidated with the origin, which answered 304."},
    {"misses", "Answers fetched from the origin (X-Cache: Miss)."},
    {"errors", "Answers with X-Cache: Error."},
    {"stale responses",
     "Answers carrying an older version than the origin's current one (after a deploy)."},
    {"stale rate", "stale responses / requests."},
    {"max staleness", "The longest time between the deploy of a newer version and a stale answer."},
    {"invalidation paths", "Paths submitted (a wildcard counts as one)."},
    {"invalidation cost", "The paths' monthly bill, the first 1,000 each month free (SPEC 6.6)."},
    {"miss reasons",
     "Why a request was not answered from a fresh copy: not_cached (never stored, evicted), "
     "expired (revalidated or refetched), invalidated, forward_every_request (TTL 0), "
     "not_cacheable_method, caching_disabled. Expired requests include the RefreshHits."},
};

std::string DefinitionOf(absl::string_view term) {
  for (const Definition& d : kDefinitions) {
    if (term == d.term) return d.text;
  }
  return "";
}

struct TallyColumn {
  const char* header;
  std::string (*cell)(const Tally&);
};

constexpr TallyColumn kTallyColumns[] = {
    {"requests", [](const Tally& t) { return FormatCount(t.requests); }},
    {"hit ratio", [](const Tally& t) { return FormatPercent(HitRatio(t)); }},
    {"hit ratio without RefreshHits",
     [](const Tally& t) { return FormatPercent(HitRatioWithoutRefreshHits(t)); }},
    {"request offload", [](const Tally& t) { return FormatPercent(RequestOffload(t)); }},
    {"byte offload", [](const Tally& t) { return FormatPercent(ByteOffload(t)); }},
    {"byte hit ratio", [](const Tally& t) { return FormatPercent(ByteHitRatio(t)); }},
    {"origin requests", [](const Tally& t) { return FormatCount(t.origin_requests); }},
    {"origin bytes", [](const Tally& t) { return FormatBytes(t.origin_bytes); }},
    {"RefreshHits", [](const Tally& t) { return FormatCount(t.refresh_hits); }},
    {"misses", [](const Tally& t) { return FormatCount(t.misses); }},
    {"errors", [](const Tally& t) { return FormatCount(t.errors); }},
    {"stale responses", [](const Tally& t) { return FormatCount(t.stale); }},
    {"stale rate", [](const Tally& t) { return FormatPercent(StaleRate(t)); }},
};

std::string HeaderCell(absl::string_view term) {
  const std::string definition = DefinitionOf(term);
  return absl::StrCat("<th class=\"num\"",
                      definition.empty() ? "" : absl::StrCat(" title=\"", Escape(definition), "\""),
                      ">", Escape(term), "</th>");
}

std::string NumberCell(absl::string_view text) {
  return absl::StrCat("<td class=\"num\">", Escape(text), "</td>");
}

// ` class="vN[ extra]" data-variant="NAME"`.
std::string VariantAttributes(const SimulationResult& r, size_t i, absl::string_view extra = "") {
  return absl::StrCat(" class=\"v", i, extra.empty() ? "" : " ", extra, "\" data-variant=\"",
                      Escape(r.variants[i].name), "\"");
}

std::string VariantNameCell(const SimulationResult& r, size_t i) {
  return absl::StrCat("<th scope=\"row\" class=\"name\">", KeySvg(i), " ",
                      Escape(r.variants[i].name), "</th>");
}

std::string Settings(const nlohmann::json& settings) {
  if (!settings.is_object()) return settings.dump();
  std::vector<std::string> parts;
  for (const auto& [key, value] : settings.items()) {
    parts.push_back(
        absl::StrCat(key, "=", value.is_string() ? value.get<std::string>() : value.dump()));
  }
  return absl::StrJoin(parts, ", ");
}

// ---- The comparison table: one row per variant --------------------------------------------------

std::string ComparisonTable(const SimulationResult& r) {
  std::string out =
      "<section id=\"comparison\"><h2>Variants compared</h2>\n"
      "<p>Hover a column header for its definition (all of them at the end). The request offload, "
      "not the hit ratio, says how much load the origin is spared.</p>\n"
      "<div class=\"scroll\"><table class=\"variants\"><thead><tr><th>variant</th>";
  for (const TallyColumn& c : kTallyColumns) absl::StrAppend(&out, HeaderCell(c.header));
  for (const char* term : {"max staleness", "invalidation paths", "invalidation cost"}) {
    absl::StrAppend(&out, HeaderCell(term));
  }
  absl::StrAppend(&out, "<th>mode</th><th>settings</th></tr></thead><tbody>\n");
  for (size_t i = 0; i < r.variants.size(); ++i) {
    const VariantResult& v = r.variants[i];
    absl::StrAppend(&out, "<tr", VariantAttributes(r, i), ">", VariantNameCell(r, i));
    for (const TallyColumn& c : kTallyColumns) absl::StrAppend(&out, NumberCell(c.cell(v.total)));
    absl::StrAppend(
        &out, NumberCell(FormatDuration(v.max_staleness_seconds)),
        NumberCell(FormatCount(static_cast<uint64_t>(std::max<int64_t>(0, InvalidationPaths(v))))),
        NumberCell(InvalidationCostText(v)), "<td>", Escape(v.mode), "</td><td class=\"settings\">",
        Escape(Settings(v.settings)), "</td></tr>\n");
  }
  absl::StrAppend(&out, "</tbody></table></div></section>\n");
  return out;
}

// ---- Charts over time ---------------------------------------------------------------------------

enum class Unit { kPercent, kCount, kBytes };

struct ChartSpec {
  const char* id;
  const char* title;
  const char* y_title;
  Unit unit;
  double (*value)(const Tally&);
};

constexpr int kWidth = 820, kHeight = 300, kLeft = 72, kRight = 16, kTop = 14, kBottom = 48;

std::string TickLabel(double v, Unit unit, double step) {
  switch (unit) {
    case Unit::kPercent:
      return absl::StrCat(TrimmedNumber(v * 100, step * 100 >= 1 ? 0 : 2), " %");
    case Unit::kBytes:
      return FormatShortBytes(v);
    case Unit::kCount:
      return FormatShortCount(v);
  }
  return "";
}

std::string ValueText(double v, Unit unit) {
  switch (unit) {
    case Unit::kPercent:
      return FormatPercent(v);
    case Unit::kBytes:
      return FormatBytes(static_cast<uint64_t>(v));
    case Unit::kCount:
      return FormatCount(static_cast<uint64_t>(v));
  }
  return "";
}

// Lines closer than this share of the axis everywhere look like one line (under a pixel).
constexpr double kCoincide = 0.004;

bool Coincide(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::fabs(a[i] - b[i]) > tolerance) return false;
  }
  return true;
}

// Names the groups of variants whose lines coincide on this chart (axis from 0 to `top`).
std::string CoincidingLines(const SimulationResult& r,
                            const std::vector<std::vector<double>>& values, double top) {
  std::vector<std::string> groups;
  std::vector<bool> grouped(values.size(), false);
  for (size_t i = 0; i < values.size(); ++i) {
    if (grouped[i]) continue;
    std::vector<std::string> same = {absl::StrCat("\"", r.variants[i].name, "\"")};
    for (size_t j = i + 1; j < values.size(); ++j) {
      if (!grouped[j] && Coincide(values[i], values[j], top * kCoincide)) {
        grouped[j] = true;
        same.push_back(absl::StrCat("\"", r.variants[j].name, "\""));
      }
    }
    if (same.size() > 1) groups.push_back(absl::StrJoin(same, " = "));
  }
  if (groups.empty()) return "";
  return absl::StrCat(
      "<p class=\"overlap\">One line at this scale (less than a pixel apart), drawn on top of "
      "each other; tell them apart by dash and marker: ",
      Escape(absl::StrJoin(groups, "; ")), ".</p>\n");
}

std::string Chart(const SimulationResult& r, const ChartSpec& spec) {
  const int plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const int n = r.series_buckets;
  const double bucket_s = absl::ToDoubleSeconds(r.series_bucket);
  const double total_s = bucket_s * n;
  std::vector<std::vector<double>> values(r.variants.size());
  double max = 0;
  for (size_t i = 0; i < r.variants.size(); ++i) {
    for (const Tally& t : r.variants[i].series) {
      values[i].push_back(spec.value(t));
      max = std::max(max, values[i].back());
    }
  }
  if (spec.unit == Unit::kPercent && max <= 0) max = 1;
  const AxisTicks y_ticks = ValueTicks(max, 5, spec.unit != Unit::kPercent);
  const double top = y_ticks.values.back();
  const TimeAxis x_axis = TimeTicks(total_s);
  auto x = [&](double seconds) { return kLeft + plot_w * seconds / total_s; };
  auto y = [&](double v) { return kTop + plot_h * (1 - v / top); };

  std::string svg = absl::StrFormat(
      "<figure class=\"chart\" id=\"%s\"><figcaption>%s</figcaption>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "role=\"img\" aria-label=\"%s\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
      "fill=\"#fcfcfc\" stroke=\"#bbb\"/>\n",
      spec.id, Escape(spec.title), kWidth, kHeight, kWidth, kHeight, Escape(spec.title), kLeft,
      kTop, plot_w, plot_h);
  for (double v : y_ticks.values) {
    absl::StrAppend(
        &svg, absl::StrFormat("<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                              "<text class=\"tick y\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s"
                              "</text>\n",
                              kLeft, y(v), kLeft + plot_w, y(v), kLeft - 6, y(v) + 4,
                              Escape(TickLabel(v, spec.unit, y_ticks.step))));
  }
  for (double t : x_axis.ticks.values) {
    absl::StrAppend(
        &svg, absl::StrFormat("<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                              "<text class=\"tick x\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                              "%s</text>\n",
                              x(t), kTop, x(t), kTop + plot_h, x(t), kTop + plot_h + 16,
                              Escape(t == 0 ? "0" : FormatDurationIn(t, x_axis.unit_seconds))));
  }
  absl::StrAppend(
      &svg,
      absl::StrFormat("<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">time "
                      "since the start (buckets of %s)</text>\n<text class=\"axis-title\" "
                      "transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">%s"
                      "</text>\n",
                      kLeft + plot_w / 2, kHeight - 8, Escape(FormatDuration(bucket_s)),
                      kTop + plot_h / 2, Escape(spec.y_title)));
  for (double deploy : r.deploys) {
    absl::StrAppend(&svg, absl::StrFormat("<line class=\"deploy\" x1=\"%.1f\" y1=\"%d\" "
                                          "x2=\"%.1f\" y2=\"%d\" stroke=\"#777\" "
                                          "stroke-dasharray=\"4 3\"><title>deploy at %s</title>"
                                          "</line>\n",
                                          x(deploy), kTop, x(deploy), kTop + plot_h,
                                          Escape(FormatDuration(deploy))));
  }
  // Markers every `stride` buckets, each variant on its own buckets: coinciding lines still show
  // every variant's markers.
  const size_t variants = r.variants.size();
  const size_t stride = std::max<size_t>({variants, static_cast<size_t>((n + 11) / 12), 1});
  for (size_t i = 0; i < variants; ++i) {
    const Style s = StyleOf(i);
    const std::string& name = r.variants[i].name;
    std::string points, markers;
    for (size_t b = 0; b < values[i].size(); ++b) {
      const double px = x((b + 0.5) * bucket_s), py = y(values[i][b]);
      absl::StrAppend(&points, absl::StrFormat("%.1f,%.1f ", px, py));
      if (b % stride == i % stride) {
        absl::StrAppend(&markers,
                        MarkerSvg(s.marker, px, py, s.color,
                                  absl::StrCat(name, ": ", ValueText(values[i][b], spec.unit),
                                               " from ", FormatDuration(b * bucket_s), " to ",
                                               FormatDuration((b + 1) * bucket_s))));
      }
    }
    absl::StrAppend(&svg, "<g", VariantAttributes(r, i), " data-dash=\"", s.dash,
                    "\" data-marker=\"", MarkerName(s.marker),
                    "\"><polyline fill=\"none\" "
                    "stroke-width=\"2\" stroke=\"",
                    s.color, "\" stroke-dasharray=\"", s.dash, "\" points=\"", points, "\"><title>",
                    Escape(name), "</title></polyline>", markers, "</g>\n");
  }
  absl::StrAppend(&svg, "</svg>\n", CoincidingLines(r, values, top), "</figure>\n");
  return svg;
}

std::string Legend(const SimulationResult& r) {
  std::string out =
      "<div class=\"legend\"><span class=\"hint\">Click a variant to hide or show it "
      "everywhere:</span> ";
  for (size_t i = 0; i < r.variants.size(); ++i) {
    absl::StrAppend(&out, "<label for=\"show-", i, "\" class=\"k", i, "\" title=\"",
                    Escape(Settings(r.variants[i].settings)), "\">", KeySvg(i), " ",
                    Escape(r.variants[i].name), "</label> ");
  }
  return absl::StrCat(out, "<span class=\"hint\">gray dashed verticals: deploys</span></div>\n");
}

std::string Charts(const SimulationResult& r) {
  if (r.series_buckets <= 0 || r.series_bucket <= absl::ZeroDuration()) {
    return "<section id=\"charts\"><h2>Over time</h2><p>No time series in this result.</p>"
           "</section>\n";
  }
  static constexpr ChartSpec kCharts[] = {
      {"chart-hit-ratio", "Hit ratio (Hit + RefreshHit) per bucket", "hit ratio", Unit::kPercent,
       HitRatio},
      {"chart-hit-ratio-without-refresh", "Hit ratio without RefreshHits per bucket",
       "Hit / requests", Unit::kPercent, HitRatioWithoutRefreshHits},
      {"chart-request-offload", "Request offload per bucket", "request offload", Unit::kPercent,
       RequestOffload},
      {"chart-origin-requests", "Origin requests per bucket", "origin requests", Unit::kCount,
       [](const Tally& t) { return static_cast<double>(t.origin_requests); }},
      {"chart-origin-bytes", "Origin bytes per bucket", "origin bytes", Unit::kBytes,
       [](const Tally& t) { return static_cast<double>(t.origin_bytes); }},
      {"chart-stale", "Stale responses per bucket (after deploys)", "stale responses", Unit::kCount,
       [](const Tally& t) { return static_cast<double>(t.stale); }},
  };
  std::string out = absl::StrCat("<section id=\"charts\"><h2>Over time</h2>\n", Legend(r));
  for (const ChartSpec& spec : kCharts) absl::StrAppend(&out, Chart(r, spec));
  return absl::StrCat(out, "</section>\n");
}

// ---- Breakdowns ---------------------------------------------------------------------------------

// Rows of (key, variant): every variant's figures for one behavior or POP side by side.
std::string TallyBreakdown(const SimulationResult& r, const char* id, const char* title,
                           const char* key_header, const char* note,
                           std::map<std::string, Tally> VariantResult::*member) {
  std::set<std::string> keys;
  for (const VariantResult& v : r.variants) {
    for (const auto& [key, tally] : v.*member) keys.insert(key);
  }
  std::string out =
      absl::StrCat("<section id=\"", id, "\"><h2>", title, "</h2>\n<p>", note, "</p>\n");
  if (keys.empty()) return absl::StrCat(out, "<p>None recorded.</p></section>\n");
  absl::StrAppend(&out, "<div class=\"scroll\"><table class=\"breakdown\"><thead><tr><th>",
                  key_header, "</th><th>variant</th>");
  for (const TallyColumn& c : kTallyColumns) absl::StrAppend(&out, HeaderCell(c.header));
  absl::StrAppend(&out, "</tr></thead>\n");
  for (const std::string& key : keys) {
    absl::StrAppend(&out, "<tbody data-key=\"", Escape(key), "\">");
    for (size_t i = 0; i < r.variants.size(); ++i) {
      const auto& tallies = r.variants[i].*member;
      const auto found = tallies.find(key);
      const Tally t = found == tallies.end() ? Tally{} : found->second;
      absl::StrAppend(&out, "<tr", VariantAttributes(r, i), "><td class=\"key\">", Escape(key),
                      "</td>", VariantNameCell(r, i));
      for (const TallyColumn& c : kTallyColumns) absl::StrAppend(&out, NumberCell(c.cell(t)));
      absl::StrAppend(&out, "</tr>");
    }
    absl::StrAppend(&out, "</tbody>\n");
  }
  return absl::StrCat(out, "</table></div></section>\n");
}

// Keys as rows, variants as columns: counts, with their share of the variant's requests.
std::string CountMatrix(
    const SimulationResult& r, const char* id, const char* title, absl::string_view note,
    const std::function<const std::map<std::string, uint64_t>&(const VariantResult&)>& counts,
    bool share_of_requests) {
  std::set<std::string> keys;
  for (const VariantResult& v : r.variants) {
    for (const auto& [key, n] : counts(v)) keys.insert(key);
  }
  std::string out =
      absl::StrCat("<section id=\"", id, "\"><h2>", title, "</h2>\n<p>", note, "</p>\n");
  if (keys.empty()) return absl::StrCat(out, "<p>None recorded.</p></section>\n");
  absl::StrAppend(&out, "<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th></th>");
  for (size_t i = 0; i < r.variants.size(); ++i) {
    absl::StrAppend(&out, "<th", VariantAttributes(r, i), ">", KeySvg(i), " ",
                    Escape(r.variants[i].name), "</th>");
  }
  absl::StrAppend(&out, "</tr></thead><tbody>\n");
  for (const std::string& key : keys) {
    absl::StrAppend(&out, "<tr data-key=\"", Escape(key), "\"><th scope=\"row\">", Escape(key),
                    "</th>");
    for (size_t i = 0; i < r.variants.size(); ++i) {
      const VariantResult& v = r.variants[i];
      const auto found = counts(v).find(key);
      const uint64_t n = found == counts(v).end() ? 0 : found->second;
      std::string cell = FormatCount(n);
      if (share_of_requests && v.total.requests > 0) {
        absl::StrAppend(
            &cell, " (",
            FormatPercent(static_cast<double>(n) / static_cast<double>(v.total.requests), 1), ")");
      }
      absl::StrAppend(&out, "<td", VariantAttributes(r, i, "num"), " data-count=\"", n, "\">",
                      Escape(cell), "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  return absl::StrCat(out, "</tbody></table></div></section>\n");
}

std::string Breakdowns(const SimulationResult& r) {
  return absl::StrCat(
      TallyBreakdown(r, "behaviors", "Per cache behavior", "behavior",
                     "Each behavior's requests, by its PathPattern; \"Default (*)\" is the default "
                     "behavior.",
                     &VariantResult::behaviors),
      TallyBreakdown(r, "pops", "Per POP (edge location and its tiers)", "POP",
                     "Viewer requests by the POP that received them. Origin requests are those "
                     "that got past the variant's tiers (regional edge caches, Origin Shield), "
                     "charged to the POP whose viewer request caused them.",
                     &VariantResult::pops),
      CountMatrix(
          r, "miss-reasons", "Miss reasons", Escape(DefinitionOf("miss reasons")),
          [](const VariantResult& v) -> const std::map<std::string, uint64_t>& {
            return v.miss_reasons;
          },
          true),
      CountMatrix(
          r, "cache-counters", "Cache counters",
          "Summed over every cache of the variant (edge, regional, shield): objects "
          "evicted, expired, removed by invalidations, refused (too large), and stored "
          "at the end.",
          [](const VariantResult& v) -> const std::map<std::string, uint64_t>& { return v.cache; },
          false));
}

std::string Definitions() {
  std::string out =
      "<section id=\"definitions\"><h2>Definitions</h2>\n<p>Each figure is computed from the "
      "counts in report.json (docs/design.md, section 6.1).</p><dl>\n";
  for (const Definition& d : kDefinitions) {
    absl::StrAppend(&out, "<dt>", Escape(d.term), "</dt><dd>", Escape(d.text), "</dd>\n");
  }
  return absl::StrCat(out, "</dl></section>\n");
}

// Hidden checkboxes before <main>, one per variant: unchecking hides the variant's elements.
std::string Toggles(const SimulationResult& r, std::string* css) {
  std::string out;
  for (size_t i = 0; i < r.variants.size(); ++i) {
    absl::StrAppend(&out, "<input type=\"checkbox\" class=\"toggle\" id=\"show-", i,
                    "\" checked hidden>\n");
    absl::StrAppend(css, "#show-", i, ":not(:checked)~main .v", i, "{display:none}#show-", i,
                    ":not(:checked)~main .k", i, "{opacity:.4;text-decoration:line-through}");
  }
  return out;
}

constexpr char kCss[] =
    "body{font-family:system-ui,sans-serif;margin:1.5em 2em;color:#222}"
    "h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
    ".scroll{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{padding:3px 8px;border-bottom:1px solid #eee;white-space:nowrap}"
    "thead th{background:#f4f4f4;position:sticky;top:0;text-align:left}"
    "th.num,td.num{text-align:right}th[scope=row]{text-align:left}"
    "th[title]{text-decoration:underline dotted;cursor:help}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "th.name{position:sticky;left:0;background:#fff;font-weight:normal}"
    "td.settings{color:#555;font-size:12px}"
    "tbody[data-key] tr:first-child td{border-top:2px solid #ccc}"
    ".legend{position:sticky;top:0;background:#fff;padding:6px 0;z-index:1;"
    "border-bottom:1px solid #eee}"
    ".legend label{margin-right:1.2em;white-space:nowrap;cursor:pointer;user-select:none}"
    ".legend .hint{color:#666;font-size:12px;margin-right:1em}"
    "svg.key{vertical-align:middle}"
    "figure.chart{margin:1.2em 0}figcaption{font-weight:bold;margin-bottom:4px}"
    ".grid{stroke:#e6e6e6}.tick{font-size:11px;fill:#444}.axis-title{font-size:12px;fill:#222}"
    ".overlap{color:#8a5a00;font-size:13px;margin:2px 0}"
    "dt{font-weight:bold;margin-top:.5em}dd{margin-left:1.5em}";

}  // namespace

std::string RenderHtml(const SimulationResult& r) {
  std::string toggle_css;
  const std::string toggles = Toggles(r, &toggle_css);
  const std::string title = r.scenario.empty() ? "simulation" : r.scenario;
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>edgesim: ",
      Escape(title), "</title>\n<style>", kCss, toggle_css, "</style></head><body>\n", toggles,
      "<main>\n<h1>", Escape(title), "</h1>\n");
  if (!r.description.empty()) absl::StrAppend(&html, "<p>", Escape(r.description), "</p>\n");
  absl::StrAppend(&html, "<p>", FormatCount(r.records), " input records, ",
                  FormatCount(r.bad_records), " bad records skipped; ", r.variants.size(),
                  " variants; time buckets of ",
                  Escape(FormatDuration(absl::ToDoubleSeconds(r.series_bucket))), ".</p>\n");
  absl::StrAppend(&html, ComparisonTable(r), Charts(r), Breakdowns(r), Definitions(),
                  "</main></body></html>\n");
  return html;
}

}  // namespace edgesim::sim
