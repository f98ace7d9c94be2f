#include "sim/report_files.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"
#include "sim/input_file.h"
#include "sim/report_html.h"
#include "sim/report_text.h"

namespace edgesim::sim {
namespace {

absl::Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat(path.string(), ": cannot write"));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteReports(const SimulationResult& result, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return absl::UnavailableError(absl::StrCat(dir, ": ", error.message()));
  const std::filesystem::path base(dir);
  EDGESIM_RETURN_IF_ERROR(WriteFile(base / "report.json", ToJson(result).dump(2) + "\n"));
  EDGESIM_RETURN_IF_ERROR(WriteFile(base / "report.csv", RenderCsv(result)));
  return WriteFile(base / "report.html", RenderHtml(result));
}

absl::StatusOr<SimulationResult> ReadReport(const std::string& path) {
  EDGESIM_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  absl::StatusOr<nlohmann::json> json = policy::ParseJson(text);
  absl::StatusOr<SimulationResult> r = json.ok() ? FromJson(*json) : json.status();
  if (!r.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", r.status().message()));
  return r;
}

}  // namespace edgesim::sim
