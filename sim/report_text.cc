#include "sim/report_text.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "sim/report_units.h"

namespace edgesim::sim {
namespace {

std::string Dollars(double usd) { return absl::StrFormat("$%.2f", usd); }

struct Row {
  const char* label;
  std::function<std::string(const VariantResult&)> value;
};

const std::vector<Row>& Rows() {
  static const auto* const kRows = new std::vector<Row>{
      {"mode", [](const VariantResult& v) { return v.mode; }},
      {"requests", [](const VariantResult& v) { return absl::StrCat(v.total.requests); }},
      {"hit ratio", [](const VariantResult& v) { return FormatPercent(HitRatio(v.total)); }},
      {"hit ratio without RefreshHits",
       [](const VariantResult& v) { return FormatPercent(HitRatioWithoutRefreshHits(v.total)); }},
      {"request offload",
       [](const VariantResult& v) { return FormatPercent(RequestOffload(v.total)); }},
      {"byte offload", [](const VariantResult& v) { return FormatPercent(ByteOffload(v.total)); }},
      {"byte hit ratio",
       [](const VariantResult& v) { return FormatPercent(ByteHitRatio(v.total)); }},
      {"errors", [](const VariantResult& v) { return absl::StrCat(v.total.errors); }},
      {"origin requests",
       [](const VariantResult& v) { return absl::StrCat(v.total.origin_requests); }},
      {"origin bytes", [](const VariantResult& v) { return FormatBytes(v.total.origin_bytes); }},
      {"stale responses", [](const VariantResult& v) { return absl::StrCat(v.total.stale); }},
      {"stale rate", [](const VariantResult& v) { return FormatPercent(StaleRate(v.total)); }},
      {"max staleness",
       [](const VariantResult& v) { return absl::StrFormat("%.0f s", v.max_staleness_seconds); }},
      {"invalidation paths",
       [](const VariantResult& v) { return absl::StrCat(InvalidationPaths(v)); }},
      {"invalidation cost", InvalidationCostText},
  };
  return *kRows;
}

std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\n") == std::string::npos) return field;
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

}  // namespace

std::string InvalidationCostText(const VariantResult& v) {
  const size_t months = v.invalidation_paths.size();
  return months <= 1 ? Dollars(InvalidationCostUsd(v))
                     : absl::StrCat(Dollars(InvalidationCostUsd(v)), " / ", months, " months");
}

std::string RenderTable(const SimulationResult& result) {
  std::vector<std::vector<std::string>> columns;
  std::vector<std::string> labels = {"variant"};
  for (const Row& row : Rows()) labels.push_back(row.label);
  columns.push_back(labels);
  for (const VariantResult& v : result.variants) {
    std::vector<std::string> column = {v.name};
    for (const Row& row : Rows()) column.push_back(row.value(v));
    columns.push_back(std::move(column));
  }
  std::vector<size_t> widths;
  for (const auto& column : columns) {
    size_t w = 0;
    for (const std::string& cell : column) w = std::max(w, cell.size());
    widths.push_back(w);
  }
  std::string out;
  if (!result.scenario.empty()) absl::StrAppend(&out, result.scenario, "\n");
  for (size_t r = 0; r < labels.size(); ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string& cell = columns[c][r];
      const std::string pad(widths[c] - cell.size(), ' ');
      // Labels left-aligned, figures right-aligned.
      absl::StrAppend(&out, c == 0 ? cell + pad : "  " + pad + cell);
    }
    absl::StrAppend(&out, "\n");
    if (r == 0) {
      size_t total = 0;
      for (size_t c = 0; c < widths.size(); ++c) total += widths[c] + (c == 0 ? 0 : 2);
      absl::StrAppend(&out, std::string(total, '-'), "\n");
    }
  }
  if (result.bad_records > 0) {
    absl::StrAppend(&out, result.bad_records, " bad input records skipped (see report.json)\n");
  }
  return out;
}

std::string RenderCsv(const SimulationResult& result) {
  std::string out =
      "variant,mode,requests,hits,refresh_hits,misses,errors,hit_ratio,byte_hit_ratio,bytes,"
      "bytes_from_cache,origin_requests,origin_bytes,stale,stale_rate,max_staleness_seconds,"
      "invalidation_paths,invalidation_cost_usd,hit_ratio_without_refresh_hits,request_offload,"
      "byte_offload\n";
  for (const VariantResult& v : result.variants) {
    const Tally& t = v.total;
    absl::StrAppend(
        &out, Csv(v.name), ",", v.mode, ",", t.requests, ",", t.hits, ",", t.refresh_hits, ",",
        t.misses, ",", t.errors, ",", absl::StrFormat("%.6f,%.6f", HitRatio(t), ByteHitRatio(t)),
        ",", t.bytes, ",", t.bytes_from_cache, ",", t.origin_requests, ",", t.origin_bytes, ",",
        t.stale, ",", absl::StrFormat("%.6f,%.3f", StaleRate(t), v.max_staleness_seconds), ",",
        InvalidationPaths(v), ",",
        absl::StrFormat("%.3f,%.6f,%.6f,%.6f", InvalidationCostUsd(v),
                        HitRatioWithoutRefreshHits(t), RequestOffload(t), ByteOffload(t)),
        "\n");
  }
  return out;
}

}  // namespace edgesim::sim
