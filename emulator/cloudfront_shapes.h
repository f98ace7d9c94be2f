// cloudfront_shapes.h — the part of CloudFront's API model (botocore's service-2.json, API
// version 2020-05-31) that edgesim's REST-XML API speaks: the implemented operations (method,
// URI, success status, payload shapes and root element names) and every shape they reach.
//
// The model is emulator/cloudfront_shapes.json, extracted by scripts/extract_cloudfront_shapes.py
// (run by hand; botocore is the authority) and embedded in the binary by CMake. The XML codec
// (xml_codec.h) walks these shapes to type and order elements.
//
//   const CloudFrontShapes& model = CloudFrontShapes::Get();
//   const Shape& batch = *model.FindShape("InvalidationBatch");
//   batch.FindMemberByXmlName("Paths")->shape;           // "Paths"
//   model.FindShape("PathList")->list_member_name;        // "Path"
//   model.FindOperation("CreateInvalidation")->status;    // 201
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace edgesim::emulator {

inline constexpr absl::string_view kCloudFrontXmlNamespace =
    "http://cloudfront.amazonaws.com/doc/2020-05-31/";

// kBlob's shape JSON is its base64 text, as on the wire (CreateFunction's FunctionCode).
enum class ShapeType {
  kStructure,
  kList,
  kString,
  kInteger,
  kLong,
  kDouble,
  kBoolean,
  kTimestamp,
  kBlob
};

struct ShapeMember {
  std::string name;      // the JSON key ("Items")
  std::string shape;     // the member's shape name ("PathList")
  std::string xml_name;  // its element name (the model's locationName, else `name`)
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::kString;
  std::vector<ShapeMember> members;  // structures, in model order (the order XML is written in)
  std::string list_member_shape;     // lists: the element's shape ...
  std::string list_member_name;      // ... and name ("Path", "CNAME", "Origin")

  const ShapeMember* FindMember(absl::string_view name) const;
  const ShapeMember* FindMemberByXmlName(absl::string_view xml_name) const;
};

struct Operation {
  std::string name;    // "CreateInvalidation"
  std::string method;  // "POST"
  std::string uri;     // "/2020-05-31/distribution/{DistributionId}/invalidation"
  int status = 200;    // the success status
  // Payload shapes and root element names; empty when the operation has no payload that way.
  std::string input, input_root, output, output_root;
};

class CloudFrontShapes {
 public:
  // The embedded model, parsed once (thread-safe).
  static const CloudFrontShapes& Get();

  // Parses a model in the extractor's format; throws nlohmann::json::exception on a malformed
  // one (only the embedded, checked-in model is ever parsed, and the tests parse it).
  explicit CloudFrontShapes(absl::string_view model_json);

  // nullptr when unknown.
  const Shape* FindShape(absl::string_view name) const;
  const Operation* FindOperation(absl::string_view name) const;
  const std::map<std::string, Operation, std::less<>>& operations() const { return operations_; }

 private:
  std::map<std::string, Shape, std::less<>> shapes_;
  std::map<std::string, Operation, std::less<>> operations_;
};

}  // namespace edgesim::emulator
