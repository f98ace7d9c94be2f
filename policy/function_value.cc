#include "policy/function_value.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

namespace edgesim::policy {
namespace {

bool IsAscii(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

absl::string_view ReplaceBadUtf8(absl::string_view text, std::string& storage) {
  if (IsAscii(text)) return text;
  // dump itself decides what a bad sequence is; only text that is not ASCII takes this path.
  storage = FunctionJson::parse(FunctionJson(std::string(text))
                                    .dump(-1, ' ', false, FunctionJson::error_handler_t::replace))
                .get<std::string>();
  return storage;
}

FunctionJson& FunctionJsonBuilder::Put(FunctionJson value) {
  if (open_.empty()) {
    root_ = std::move(value);
    return root_;
  }
  FunctionJson& parent = *open_.back();
  if (parent.is_array()) {
    parent.push_back(std::move(value));
    return parent.back();
  }
  FunctionJson& member = parent[key_];
  member = std::move(value);
  return member;
}

void FunctionJsonBuilder::Null() { Put(nullptr); }
void FunctionJsonBuilder::Bool(bool value) { Put(value); }

void FunctionJsonBuilder::Number(double value) {
  if (!std::isfinite(value)) {
    Put(nullptr);
    return;
  }
  // JavaScript writes a whole number below 1e21 without fraction or exponent, and JSON text
  // reads such digits as an integer when they fit 64 bits.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (value == std::trunc(value) && std::fabs(value) < 1e21) {
    if (value >= 0 && value < 2 * kTwoTo63) {
      Put(static_cast<uint64_t>(value));
      return;
    }
    if (value < 0 && value >= -kTwoTo63) {
      Put(static_cast<int64_t>(value));
      return;
    }
  }
  Put(value);
}

void FunctionJsonBuilder::String(absl::string_view utf8) { Put(std::string(utf8)); }
void FunctionJsonBuilder::Key(absl::string_view utf8) { key_.assign(utf8.data(), utf8.size()); }

void FunctionJsonBuilder::Open(FunctionJson container) {
  open_.push_back(&Put(std::move(container)));
}

void FunctionJsonBuilder::BeginObject() { Open(FunctionJson::object()); }
void FunctionJsonBuilder::BeginArray() { Open(FunctionJson::array()); }

void FunctionJsonBuilder::EndObject() { open_.pop_back(); }
void FunctionJsonBuilder::EndArray() { open_.pop_back(); }

FunctionJson FunctionJsonBuilder::Take() {
  open_.clear();
  return std::exchange(root_, FunctionJson());
}

void VisitFunctionJson(const FunctionJson& value, FunctionValueVisitor& visitor) {
  switch (value.type()) {
    case FunctionJson::value_t::object:
      visitor.BeginObject();
      for (const auto& [key, member] : value.items()) {
        visitor.Key(key);
        VisitFunctionJson(member, visitor);
      }
      visitor.EndObject();
      return;
    case FunctionJson::value_t::array:
      visitor.BeginArray();
      for (const FunctionJson& item : value) VisitFunctionJson(item, visitor);
      visitor.EndArray();
      return;
    case FunctionJson::value_t::string:
      visitor.String(value.get_ref<const std::string&>());
      return;
    case FunctionJson::value_t::boolean:
      visitor.Bool(value.get<bool>());
      return;
    case FunctionJson::value_t::number_integer:
    case FunctionJson::value_t::number_unsigned:
    case FunctionJson::value_t::number_float:
      visitor.Number(value.get<double>());  // dump writes NaN as null; Number does too
      return;
    default:  // null; binary and discarded never occur in an event
      visitor.Null();
      return;
  }
}

}  // namespace edgesim::policy
