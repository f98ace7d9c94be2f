#include "emulator/api_error.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "emulator/xml_codec.h"
#include "policy/invalidation.h"
#include "pugixml.hpp"

namespace edgesim::emulator {
namespace {

struct CodeStatus {
  absl::string_view code;
  int http_status;
};

// The payload type URL under which MakeApiError stores the code.
constexpr absl::string_view kApiErrorCodeUrl = "edgesim/cloudfront-api-error-code";

// API 1.6, as botocore's model gives them (tests/api/error_status_test.py checks); codes not
// listed answer 400.
constexpr CodeStatus kStatuses[] = {
    {"NoSuchDistribution", 404},
    {"NoSuchInvalidation", 404},
    {"NoSuchCachePolicy", 404},
    {"NoSuchResponseHeadersPolicy", 404},
    {"ResponseHeadersPolicyAlreadyExists", 409},
    {"ResponseHeadersPolicyInUse", 409},
    {"NoSuchOrigin", 404},
    {"NoSuchResource", 404},
    {"BatchTooLarge", 413},
    {"PreconditionFailed", 412},
    {"DistributionAlreadyExists", 409},
    {"DistributionNotDisabled", 409},
    {"InvalidationBatchAlreadyExists", 409},
    {"CNAMEAlreadyExists", 409},
    {"CachePolicyAlreadyExists", 409},
    {"CachePolicyInUse", 409},
    {"NoSuchOriginRequestPolicy", 404},
    {"OriginRequestPolicyAlreadyExists", 409},
    {"OriginRequestPolicyInUse", 409},
    {"NoSuchOriginAccessControl", 404},
    {"OriginAccessControlAlreadyExists", 409},
    {"OriginAccessControlInUse", 409},
    {"NoSuchCloudFrontOriginAccessIdentity", 404},
    {"CloudFrontOriginAccessIdentityAlreadyExists", 409},
    {"CloudFrontOriginAccessIdentityInUse", 409},
    {"FunctionAlreadyExists", 409},
    {"NoSuchFunctionExists", 404},
    {"FunctionInUse", 409},
    {"FunctionSizeLimitExceeded", 413},
    {"EntityAlreadyExists", 409},
    {"EntityNotFound", 404},
    {"EntitySizeLimitExceeded", 413},
    {"CannotDeleteEntityWhileInUse", 409},
    {"TestFunctionFailed", 500},
    {"AccessDenied", 403},
    {"InternalError", 500},
};

// The API error code `status` carries: MakeApiError's, or the one policy/ names an invalidation
// problem after; nullopt for neither.
absl::optional<std::string> CodeOf(const absl::Status& status) {
  if (absl::optional<absl::Cord> code = status.GetPayload(kApiErrorCodeUrl)) {
    return std::string(*code);
  }
  if (absl::optional<policy::InvalidationErrorCode> code =
          policy::InvalidationErrorCodeOf(status)) {
    return std::string(policy::ToString(*code));
  }
  return absl::nullopt;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ApiError& error) {
  return os << error.code << " (" << error.http_status << "): " << error.message;
}

int ApiErrorHttpStatus(absl::string_view code) {
  for (const CodeStatus& s : kStatuses) {
    if (s.code == code) return s.http_status;
  }
  return 400;
}

absl::Status MakeApiError(absl::string_view code, absl::string_view message) {
  const absl::StatusCode canonical = ApiErrorHttpStatus(code) == 404 ? absl::StatusCode::kNotFound
                                     : ApiErrorHttpStatus(code) >= 500
                                         ? absl::StatusCode::kInternal
                                         : absl::StatusCode::kFailedPrecondition;
  absl::Status status(canonical, message);
  status.SetPayload(kApiErrorCodeUrl, absl::Cord(code));
  return status;
}

ApiError ToApiError(const absl::Status& status) {
  ApiError error;
  error.message = std::string(status.message());
  if (absl::optional<std::string> code = CodeOf(status)) {
    error.code = *std::move(code);
  } else if (status.code() == absl::StatusCode::kInvalidArgument ||
             status.code() == absl::StatusCode::kOutOfRange) {
    error.code = "InvalidArgument";
  } else {
    error.code = "InternalError";
  }
  error.http_status = ApiErrorHttpStatus(error.code);
  return error;
}

std::string ApiErrorXml(const ApiError& error, absl::string_view request_id) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
  pugi::xml_node e = root.append_child("Error");
  e.append_child("Type").text() = error.type().c_str();
  e.append_child("Code").text() = error.code.c_str();
  e.append_child("Message").text() = error.message.c_str();
  root.append_child("RequestId").text() = std::string(request_id).c_str();
  return XmlDocumentText(doc);
}

}  // namespace edgesim::emulator
