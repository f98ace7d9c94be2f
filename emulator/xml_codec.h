// xml_codec.h — CloudFront's REST-XML payloads <-> "shape JSON" (control_plane.h), typed and
// ordered by the API model (cloudfront_shapes.h).
//
// Decoding tolerates what real clients send: any element order, no <?xml?>, a namespace or none,
// self-closing empties (""), entities and character references, UTF-8; unknown elements are
// ignored. Integers, longs and booleans become JSON numbers and booleans; lists are read from
// their member elements (<Items><Path>..</Path></Items> -> "Items": ["..."]). It refuses, with
// MalformedInput (api_error.h), what is not a well-formed document of the expected root, a bad
// number or boolean (naming the element), and what is hostile: bodies over kMaxXmlBodyBytes
// (before parsing), any DOCTYPE (pugixml never expands user entities, and a DTD has no business
// in an API call), nesting deeper than kMaxXmlDepth, bytes that are not UTF-8.
//
// Encoding writes <?xml?>, the root element with CloudFront's xmlns, members in model order,
// list items under their member element names, and omits empty lists and null members.
//
//   absl::StatusOr<nlohmann::json> batch = DecodeXml(body, "InvalidationBatch",
//   "InvalidationBatch");
//   (*batch)["Paths"]["Quantity"];                       // 1 (a number)
//   std::string xml = EncodeXml(invalidation, "Invalidation", "Invalidation");
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "emulator/cloudfront_shapes.h"
#include "nlohmann/json.hpp"
#include "pugixml.hpp"

namespace edgesim::emulator {

// A 3,000-path invalidation batch is about 60 KB.
inline constexpr size_t kMaxXmlBodyBytes = size_t{1} << 20;
inline constexpr int kMaxXmlDepth = 32;

// `body` as the shape named `shape` (the model's), whose root element must be `root` (namespace
// prefix and xmlns ignored). REQUIRES: `shape` is in `model`.
absl::StatusOr<nlohmann::json> DecodeXml(absl::string_view body, absl::string_view shape,
                                         absl::string_view root,
                                         const CloudFrontShapes& model = CloudFrontShapes::Get());

// `value` (shape JSON of `shape`) as a document rooted at `root`. Keys the model does not know
// are dropped; a scalar of the wrong JSON type is written as its JSON text.
std::string EncodeXml(const nlohmann::json& value, absl::string_view shape, absl::string_view root,
                      const CloudFrontShapes& model = CloudFrontShapes::Get());

// `doc` as text, unindented, with <?xml version="1.0"?> unless `doc` declares itself (what every
// API answer, errors included, is written with).
std::string XmlDocumentText(const pugi::xml_document& doc);

}  // namespace edgesim::emulator
