#include "cli/distribution_file.h"

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

}  // namespace

absl::StatusOr<policy::Distribution> LoadDistributionFile(const std::string& path) {
  EDGESIM_ASSIGN_OR_RETURN(const std::string text, sim::ReadWholeFile(path));
  absl::StatusOr<policy::Distribution> d = policy::LoadDistributionJson(text);
  if (d.ok()) {
    if (!HasId(text)) {
      const std::string derived = Derived(path);
      d->id = "E" + derived;
      d->domain_name = absl::StrCat("d", absl::AsciiStrToLower(derived), ".cloudfront.net");
    }
    return d;
  }
  std::string message;
  for (absl::string_view line : absl::StrSplit(d.status().message(), '\n', absl::SkipEmpty())) {
    absl::StrAppend(&message, message.empty() ? "" : "\n", path, ": ", line);
  }
  return absl::Status(d.status().code(), message);
}

absl::StatusOr<policy::Distribution> LoadDistributionFileOrDemo(const std::string& path) {
  return path.empty() ? LoadDemoDistribution() : LoadDistributionFile(path);
}

}  // namespace edgesim::cli
