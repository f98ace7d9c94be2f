#include "sim/json_fields.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace edgesim::sim {

std::string FieldPath(absl::string_view parent, absl::string_view field) {
  return parent.empty() ? std::string(field) : absl::StrCat(parent, ".", field);
}

std::string IndexPath(absl::string_view parent, size_t index) {
  return absl::StrCat(parent, "[", index, "]");
}

absl::Status FieldError(absl::string_view where, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
}

absl::StatusOr<std::string> AsString(const nlohmann::json& value, absl::string_view where) {
  if (!value.is_string()) return FieldError(where, "expected a string");
  return value.get<std::string>();
}

absl::StatusOr<int64_t> AsInt(const nlohmann::json& value, absl::string_view where) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
  }
  return FieldError(where, "expected an integer");
}

absl::StatusOr<double> AsNumber(const nlohmann::json& value, absl::string_view where) {
  if (!value.is_number()) return FieldError(where, "expected a number");
  return value.get<double>();
}

absl::StatusOr<bool> AsBool(const nlohmann::json& value, absl::string_view where) {
  if (!value.is_boolean()) return FieldError(where, "expected true or false");
  return value.get<bool>();
}

absl::StatusOr<absl::Duration> AsSeconds(const nlohmann::json& value, absl::string_view where) {
  if (!value.is_number() || !(value.get<double>() >= 0)) {
    return FieldError(where, "expected a number of seconds >= 0");
  }
  return absl::Seconds(value.get<double>());
}

const nlohmann::json* FindField(const nlohmann::json& object, absl::string_view field) {
  const auto it = object.find(std::string(field));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace edgesim::sim
