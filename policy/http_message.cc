#include "policy/http_message.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "policy/ascii_case.h"

namespace edgesim::policy {

void Headers::Add(absl::string_view name, absl::string_view value) {
  fields_.emplace_back(std::string(name), std::string(value));
}

void Headers::Set(absl::string_view name, absl::string_view value) {
  Remove(name);
  Add(name, value);
}

void Headers::Remove(absl::string_view name) {
  fields_.erase(
      std::remove_if(fields_.begin(), fields_.end(),
                     [&](const Field& f) { return AsciiEqualsIgnoreCase(f.first, name); }),
      fields_.end());
}

bool Headers::Has(absl::string_view name) const { return Get(name).has_value(); }

absl::optional<absl::string_view> Headers::Get(absl::string_view name) const {
  for (const Field& f : fields_) {
    if (AsciiEqualsIgnoreCase(f.first, name)) return absl::string_view(f.second);
  }
  return absl::nullopt;
}

std::vector<absl::string_view> Headers::GetAll(absl::string_view name) const {
  std::vector<absl::string_view> values;
  for (const Field& f : fields_) {
    if (AsciiEqualsIgnoreCase(f.first, name)) values.emplace_back(f.second);
  }
  return values;
}

absl::optional<std::string> Headers::GetCombined(absl::string_view name) const {
  std::vector<absl::string_view> values = GetAll(name);
  if (values.empty()) return absl::nullopt;
  return absl::StrJoin(values, ", ");
}

std::ostream& operator<<(std::ostream& os, const Headers& headers) {
  os << "{";
  const char* sep = "";
  for (const auto& [name, value] : headers.fields()) {
    os << sep << name << ": " << value;
    sep = "; ";
  }
  return os << "}";
}

// std::string::find, not absl::string_view::find: the former is inlined into a memchr.
absl::string_view Request::path() const {
  return absl::string_view(target).substr(0, target.find('?'));
}

absl::string_view Request::query() const {
  const size_t q = target.find('?');
  return q == std::string::npos ? absl::string_view() : absl::string_view(target).substr(q + 1);
}

bool Request::has_query() const { return target.find('?') != std::string::npos; }

std::ostream& operator<<(std::ostream& os, const Request& request) {
  return os << request.method << " " << request.target << " " << request.headers;
}

std::ostream& operator<<(std::ostream& os, const Response& response) {
  return os << response.status << " " << response.headers;
}

}  // namespace edgesim::policy
