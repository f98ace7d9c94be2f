#include "cli/distribution_file.h"

#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/demo_distribution.h"
#include "nlohmann/json.hpp"
#include "policy/distribution_json_reader.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"
#include "sim/input_file.h"

namespace edgesim::cli {
namespace {

// A get-distribution output names its distribution; a bare DistributionConfig does not.
bool HasId(const std::string& text) {
  const absl::StatusOr<nlohmann::json> j = policy::ParseJson(text);
  return j.ok() && policy::JsonReader(*j, "").Field("Distribution").Field("Id").present();
}

// 13 base-36 characters of the path's hash (std::hash of a string is stable for one build).
std::string Derived(const std::string& path) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  uint64_t h = std::hash<std::string>{}(path);
  std::string out;
  for (int i = 0; i < 13; ++i, h /= 36) out.push_back(kDigits[h % 36]);
  return out;
}

// Each "Functions" item's "FunctionCodeFile" (a path relative to the config file) read into its
// "FunctionCode": policy's loader, doing no I/O, takes the code inline only.
absl::StatusOr<std::string> WithFunctionCode(const std::string& path, std::string text) {
  absl::StatusOr<nlohmann::json> doc = policy::ParseJson(text);
  if (!doc.ok() || !doc->is_object() || !doc->contains("Functions") ||
      !(*doc)["Functions"].is_array()) {
    return text;  // the loader reports what is wrong with it
  }
  bool read = false;
  nlohmann::json& functions = (*doc)["Functions"];
  for (size_t i = 0; i < functions.size(); ++i) {
    nlohmann::json& f = functions[i];
    if (!f.is_object() || !f.contains("FunctionCodeFile")) continue;
    const std::string location = absl::StrCat("Functions[", i, "].FunctionCodeFile: ");
    if (!f["FunctionCodeFile"].is_string() || f.contains("FunctionCode")) {
      return absl::InvalidArgumentError(
          absl::StrCat(location, "a path (string), instead of FunctionCode"));
    }
    std::filesystem::path file(f["FunctionCodeFile"].get<std::string>());
    if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
    absl::StatusOr<std::string> code = sim::ReadWholeFile(file.string());
    if (!code.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(location, code.status().message()));
    }
    f.erase("FunctionCodeFile");
    f["FunctionCode"] = *std::move(code);
    read = true;
  }
  return read ? doc->dump() : text;
}

// `status` with each line prefixed by the file's path.
absl::Status InFile(const std::string& path, const absl::Status& status) {
  std::string message;
  for (absl::string_view line : absl::StrSplit(status.message(), '\n', absl::SkipEmpty())) {
    absl::StrAppend(&message, message.empty() ? "" : "\n", path, ": ", line);
  }
  return absl::Status(status.code(), message);
}

}  // namespace

absl::StatusOr<policy::Distribution> LoadDistributionFile(const std::string& path) {
  EDGESIM_ASSIGN_OR_RETURN(std::string text, sim::ReadWholeFile(path));
  absl::StatusOr<std::string> with_code = WithFunctionCode(path, std::move(text));
  if (!with_code.ok()) return InFile(path, with_code.status());
  text = *std::move(with_code);
  absl::StatusOr<policy::Distribution> d = policy::LoadDistributionJson(text);
  if (d.ok()) {
    if (!HasId(text)) {
      const std::string derived = Derived(path);
      d->id = "E" + derived;
      d->domain_name = absl::StrCat("d", absl::AsciiStrToLower(derived), ".cloudfront.net");
    }
    return d;
  }
  return InFile(path, d.status());
}

absl::StatusOr<policy::Distribution> LoadDistributionFileOrDemo(const std::string& path) {
  return path.empty() ? LoadDemoDistribution() : LoadDistributionFile(path);
}

}  // namespace edgesim::cli
