// json_reader.h — reading JSON with errors that say where: "steps[3].expect.x_cache: expected a
// string, got number" (STYLE 6.4).
//
// Every JSON input edgesim takes goes through here: CloudFront's own DistributionConfig and
// CachePolicyConfig, scenarios, workload specs, variants, control-API and admin-API bodies. A
// JsonReader is a value (or its absence) and its location; typed reads return absl::StatusOr and
// never throw. edgesim's own formats refuse keys they do not know (OnlyKeys), so a misspelt
// expectation cannot pass while checking nothing; CloudFront's JSON ignores them, as CloudFront
// does with the fields of configs taken from the AWS CLI.
//
//   EDGESIM_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
//   JsonReader step = JsonReader(doc, "steps").Item(3);
//   EDGESIM_RETURN_IF_ERROR(step.OnlyKeys({"at", "request", "expect"}));
//   if (JsonReader v = step.Field("at"); v.present()) {
//     EDGESIM_ASSIGN_OR_RETURN(absl::Duration at, v.Seconds());   // "steps[3].at: ..."
//   }
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"

namespace edgesim::policy {

// The text as JSON; InvalidArgument "JSON: <the parser's message> (byte N)" when malformed.
absl::StatusOr<nlohmann::json> ParseJson(absl::string_view text);

// InvalidArgument "location: message" (just "message" at an empty location); JsonErrorLocation
// gives the location back.
absl::Status JsonError(absl::string_view location, absl::string_view message);

// The location of a JsonError; "" for any other status.
std::string JsonErrorLocation(const absl::Status& status);

// A JsonError's message without its "location: " prefix; the whole message for any other status.
absl::string_view JsonErrorMessage(const absl::Status& status);

class JsonReader {
 public:
  // REQUIRES: `value` outlives this reader and every reader it gives.
  JsonReader(const nlohmann::json& value, std::string location);

  // A reader for nothing at `location` (an absent field).
  static JsonReader Absent(std::string location);

  // "DistributionConfig.Origins.Items[0]", "steps[3].expect".
  const std::string& location() const { return location_; }
  // False for an absent field and for JSON null.
  bool present() const { return value_ != nullptr && !value_->is_null(); }
  // REQUIRES: present().
  const nlohmann::json& value() const { return *value_; }

  // JsonError at this location.
  absl::Status Error(absl::string_view message) const;
  // "required field is missing".
  absl::Status Missing() const;

  // The member `key` ("location.key"); absent when this is not an object or lacks it.
  JsonReader Field(absl::string_view key) const;
  // Field(key), or Missing() when absent or null.
  absl::StatusOr<JsonReader> Required(absl::string_view key) const;
  // Element `index` ("location[index]"); absent when this is not an array or is shorter.
  JsonReader Item(size_t index) const;

  // An object whose keys are all in `allowed`; otherwise UnknownKey for the first other key.
  absl::Status OnlyKeys(absl::Span<const absl::string_view> allowed) const;
  // `location: unknown key "key" (known: a, b, ...)`, for formats that refuse what they don't know.
  absl::Status UnknownKey(absl::string_view key, absl::Span<const absl::string_view> known) const;

  // The value as a type, or "location: expected <type>, got <JSON type>".
  absl::Status ExpectObject() const;
  absl::StatusOr<std::string> String() const;
  // Integers, and numbers with no fraction (3.0); "integer out of range" past int64.
  absl::StatusOr<int64_t> Int() const;
  absl::StatusOr<double> Number() const;
  absl::StatusOr<bool> Bool() const;
  // A number of seconds from 0 to `max`, fractions allowed: "expected a number of seconds
  // 0-<max>". The default max is the longest absl::Duration of whole seconds, 2^63-1 s (a TTL
  // as CloudFront's Long spells it); a bigger number would become an infinite Duration.
  absl::StatusOr<absl::Duration> Seconds(
      absl::Duration max = absl::Seconds(std::numeric_limits<int64_t>::max())) const;
  // An array's elements, each with its location.
  absl::StatusOr<std::vector<JsonReader>> Items() const;
  // An object's members in key order (nlohmann::json keeps its keys sorted), with locations.
  absl::StatusOr<std::vector<std::pair<std::string, JsonReader>>> Members() const;

 private:
  JsonReader(const nlohmann::json* value, std::string location)
      : value_(value), location_(std::move(location)) {}

  absl::Status Expected(absl::string_view what) const;

  const nlohmann::json* value_;  // nullptr when absent
  std::string location_;
};

}  // namespace edgesim::policy
