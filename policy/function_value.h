// function_value.h — a CloudFront Function's values (the event it is given, the object it returns)
// as a stream of tree events, so that they cross into and out of the JavaScript engine without a
// JSON text or a JSON tree in between (SPEC 15.3). The same stream builds a FunctionJson, which is
// how the event's shape is written once for both.
//
//   FunctionJsonBuilder builder;
//   builder.BeginObject(); builder.Key("uri"); builder.String("/a"); builder.EndObject();
//   FunctionJson value = builder.Take();                       // {"uri":"/a"}
//   VisitFunctionJson(value, engine_side_visitor);             // the same events again
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace edgesim::policy {

// Keys keep the order the function (or the viewer) gave them: it is the order fields go back on.
using FunctionJson = nlohmann::ordered_json;

// Receives one value depth first: BeginObject, then Key and a value per member, then EndObject.
// Strings and keys are bytes meant as UTF-8 (a viewer's need not be: a consumer that needs Unicode
// reads them through ReplaceBadUtf8); a view lasts only for its call. Numbers are JavaScript's.
class FunctionValueVisitor {
 public:
  virtual ~FunctionValueVisitor() = default;
  virtual void Null() = 0;
  virtual void Bool(bool value) = 0;
  virtual void Number(double value) = 0;
  virtual void String(absl::string_view utf8) = 0;
  virtual void BeginObject() = 0;
  virtual void Key(absl::string_view utf8) = 0;
  virtual void EndObject() = 0;
  virtual void BeginArray() = 0;
  virtual void EndArray() = 0;
};

// Builds the FunctionJson that the JSON text of the visited value would parse to: a whole number
// below 1e21 becomes an integer (unsigned when not negative), as its JavaScript text has no
// fraction or exponent; NaN and the infinities become null, as JSON.stringify writes them.
class FunctionJsonBuilder final : public FunctionValueVisitor {
 public:
  void Null() override;
  void Bool(bool value) override;
  void Number(double value) override;
  void String(absl::string_view utf8) override;
  void BeginObject() override;
  void Key(absl::string_view utf8) override;
  void EndObject() override;
  void BeginArray() override;
  void EndArray() override;

  // The value built; the builder starts afresh.
  FunctionJson Take();

 private:
  // Adds `value` where the stream is; the value as stored.
  FunctionJson& Put(FunctionJson value);
  void Open(FunctionJson container);

  FunctionJson root_;
  // The open objects and arrays, innermost last; `key_` is the member an object's next value is.
  std::vector<FunctionJson*> open_;
  std::string key_;
};

// Visits `value`: its strings and keys as they are, numbers as doubles (NaN for a float's NaN).
void VisitFunctionJson(const FunctionJson& value, FunctionValueVisitor& visitor);

// `text` with U+FFFD for bytes that are not UTF-8, as FunctionJson's dump with
// error_handler_t::replace writes them (a viewer's bytes reach a function that way, SPEC 15.3):
// `text` itself when it is ASCII, else the text put in `storage`.
absl::string_view ReplaceBadUtf8(absl::string_view text, std::string& storage);

}  // namespace edgesim::policy
