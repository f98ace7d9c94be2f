// json_fields.h — typed reads of JSON fields whose errors name the field.
//
// Scenario files and reports are JSON (nlohmann); every problem must say where it is
// ("steps[3].expect.x_cache: expected a string", STYLE 6.4). These readers never throw.
//
//   absl::StatusOr<int64_t> at = ReadInt(step, "at", "steps[3]");   // absent: NotFound
//   std::string where = FieldPath("steps[3]", "at");                  // "steps[3].at"
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace edgesim::sim {

// "parent.field", or "field" at the top.
std::string FieldPath(absl::string_view parent, absl::string_view field);
// "parent[index]".
std::string IndexPath(absl::string_view parent, size_t index);

// InvalidArgument "where: message".
absl::Status FieldError(absl::string_view where, absl::string_view message);

// The value as a type, or InvalidArgument naming `where`.
absl::StatusOr<std::string> AsString(const nlohmann::json& value, absl::string_view where);
absl::StatusOr<int64_t> AsInt(const nlohmann::json& value, absl::string_view where);
absl::StatusOr<double> AsNumber(const nlohmann::json& value, absl::string_view where);
absl::StatusOr<bool> AsBool(const nlohmann::json& value, absl::string_view where);
// A non-negative number of seconds (fractions allowed).
absl::StatusOr<absl::Duration> AsSeconds(const nlohmann::json& value, absl::string_view where);

// An object's field when present and not null; nullptr otherwise. REQUIRES: object.is_object().
const nlohmann::json* FindField(const nlohmann::json& object, absl::string_view field);

}  // namespace edgesim::sim
