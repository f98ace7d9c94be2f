#include "policy/json_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace edgesim::policy {
namespace {

// The payload a JsonError carries its location in, so a caller that reports every problem can
// sort and group them by place without parsing messages.
constexpr absl::string_view kLocationPayload = "edgesim.dev/json-location";

std::string MemberLocation(absl::string_view parent, absl::string_view key) {
  return parent.empty() ? std::string(key) : absl::StrCat(parent, ".", key);
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseJson(absl::string_view text) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    absl::string_view what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep its line/column text.
    if (size_t end = what.find("] "); end != absl::string_view::npos) what.remove_prefix(end + 2);
    return absl::InvalidArgumentError(absl::StrCat("JSON: ", what, " (byte ", e.byte, ")"));
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("JSON: ", e.what()));
  }
}

absl::Status JsonError(absl::string_view location, absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(
      location.empty() ? std::string(message) : absl::StrCat(location, ": ", message));
  status.SetPayload(kLocationPayload, absl::Cord(location));
  return status;
}

std::string JsonErrorLocation(const absl::Status& status) {
  const absl::optional<absl::Cord> location = status.GetPayload(kLocationPayload);
  return location.has_value() ? std::string(*location) : "";
}

absl::string_view JsonErrorMessage(const absl::Status& status) {
  absl::string_view message = status.message();
  const std::string location = JsonErrorLocation(status);
  if (!location.empty()) absl::ConsumePrefix(&message, absl::StrCat(location, ": "));
  return message;
}

JsonReader::JsonReader(const nlohmann::json& value, std::string location)
    : JsonReader(&value, std::move(location)) {}

JsonReader JsonReader::Absent(std::string location) {
  return JsonReader(nullptr, std::move(location));
}

absl::Status JsonReader::Error(absl::string_view message) const {
  return JsonError(location_, message);
}

absl::Status JsonReader::Missing() const { return Error("required field is missing"); }

absl::Status JsonReader::Expected(absl::string_view what) const {
  return Error(absl::StrCat("expected ", what, ", got ",
                            value_ == nullptr ? "nothing" : value_->type_name()));
}

JsonReader JsonReader::Field(absl::string_view key) const {
  std::string location = MemberLocation(location_, key);
  if (value_ == nullptr || !value_->is_object()) return Absent(std::move(location));
  const auto it = value_->find(key);
  return JsonReader(it == value_->end() ? nullptr : &*it, std::move(location));
}

absl::StatusOr<JsonReader> JsonReader::Required(absl::string_view key) const {
  JsonReader field = Field(key);
  if (!field.present()) return field.Missing();
  return field;
}

JsonReader JsonReader::Item(size_t index) const {
  std::string location = absl::StrCat(location_, "[", index, "]");
  if (value_ == nullptr || !value_->is_array() || index >= value_->size()) {
    return Absent(std::move(location));
  }
  return JsonReader(&(*value_)[index], std::move(location));
}

absl::Status JsonReader::OnlyKeys(absl::Span<const absl::string_view> allowed) const {
  if (absl::Status s = ExpectObject(); !s.ok()) return s;
  for (const auto& [key, unused] : value_->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return UnknownKey(key, allowed);
    }
  }
  return absl::OkStatus();
}

absl::Status JsonReader::UnknownKey(absl::string_view key,
                                    absl::Span<const absl::string_view> known) const {
  return Error(absl::StrCat("unknown key \"", key, "\" (known: ", absl::StrJoin(known, ", "), ")"));
}

absl::Status JsonReader::ExpectObject() const {
  if (!present() || !value_->is_object()) return Expected("an object");
  return absl::OkStatus();
}

absl::StatusOr<std::string> JsonReader::String() const {
  if (!present() || !value_->is_string()) return Expected("a string");
  return value_->get<std::string>();
}

absl::StatusOr<int64_t> JsonReader::Int() const {
  if (present() && value_->is_number_unsigned() &&
      value_->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Error("integer out of range");
  }
  if (present() && value_->is_number_integer()) return value_->get<int64_t>();
  if (present() && value_->is_number_float()) {
    const double d = value_->get<double>();
    // Below 2^53 a double holds every integer exactly.
    if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
  }
  return Expected("an integer");
}

absl::StatusOr<double> JsonReader::Number() const {
  if (!present() || !value_->is_number()) return Expected("a number");
  return value_->get<double>();
}

absl::StatusOr<bool> JsonReader::Bool() const {
  if (!present() || !value_->is_boolean()) return Expected("true or false");
  return value_->get<bool>();
}

absl::StatusOr<absl::Duration> JsonReader::Seconds(absl::Duration max) const {
  if (!present() || !value_->is_number()) return Expected("a number of seconds");
  if (!(value_->get<double>() >= 0)) return Error("expected a number of seconds >= 0");
  const bool beyond_int64 =
      value_->is_number_unsigned() &&
      value_->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  // Integers convert exactly; other numbers through absl::Seconds(double), which saturates.
  const absl::Duration d = beyond_int64                  ? absl::InfiniteDuration()
                           : value_->is_number_integer() ? absl::Seconds(value_->get<int64_t>())
                                                         : absl::Seconds(value_->get<double>());
  if (d > max) {
    return Error(absl::StrCat("expected a number of seconds 0-", absl::ToInt64Seconds(max)));
  }
  return d;
}

absl::StatusOr<std::vector<JsonReader>> JsonReader::Items() const {
  if (!present() || !value_->is_array()) return Expected("an array");
  std::vector<JsonReader> items;
  items.reserve(value_->size());
  for (size_t i = 0; i < value_->size(); ++i) items.push_back(Item(i));
  return items;
}

absl::StatusOr<std::vector<std::pair<std::string, JsonReader>>> JsonReader::Members() const {
  if (absl::Status s = ExpectObject(); !s.ok()) return s;
  std::vector<std::pair<std::string, JsonReader>> members;
  for (const auto& [key, value] : value_->items()) {
    members.emplace_back(key, JsonReader(&value, MemberLocation(location_, key)));
  }
  return members;
}

}  // namespace edgesim::policy
