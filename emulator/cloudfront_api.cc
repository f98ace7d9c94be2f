#include "emulator/cloudfront_api.h"

#include <cstdint>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "emulator/api_error.h"
#include "emulator/cloudfront_shapes.h"
#include "emulator/request_body.h"
#include "emulator/xml_codec.h"
#include "policy/partition.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// Real CloudFront's Location headers name its own endpoint, not the one the caller used (moto's
// tests assert this literally).
constexpr absl::string_view kCanonicalEndpoint = "https://cloudfront.amazonaws.com";
constexpr int kDefaultMaxItems = 100;

// What a handler answers on success: `operation` names the model's success status and output
// shape; `body` is that shape's JSON (unused for operations without output).
struct Reply {
  absl::string_view operation;
  json body;
  std::string etag;
  std::string location;
  // GetFunction's: the answer is this body as it is, not the output shape's XML.
  absl::optional<std::string> raw_body{};
  std::vector<std::pair<std::string, std::string>> headers{};
};

using Handler = std::function<absl::StatusOr<Reply>(const httplib::Request&, absl::Time now)>;

const Operation& Op(absl::string_view name) { return *CloudFrontShapes::Get().FindOperation(name); }

// A request id in the shape AWS uses (a UUID).
std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t a = random(), b = random();
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFF,
                         0x8000 | ((b >> 48) & 0x3FFF), b & 0xFFFFFFFFFFFF);
}

void WriteError(httplib::Response& res, const ApiError& error, const std::string& request_id) {
  res.status = error.http_status;
  res.set_header("x-amz-request-id", request_id);
  res.set_content(ApiErrorXml(error, request_id), "text/xml");
}

void WriteReply(httplib::Response& res, const Reply& reply, const std::string& request_id) {
  const Operation& op = Op(reply.operation);
  res.status = op.status;
  res.set_header("x-amz-request-id", request_id);
  if (!reply.etag.empty()) res.set_header("ETag", reply.etag);
  if (!reply.location.empty()) res.set_header("Location", reply.location);
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.raw_body.has_value()) {
    res.set_content(*reply.raw_body, "application/octet-stream");
  } else if (!op.output.empty()) {
    res.set_content(EncodeXml(reply.body, op.output, op.output_root), "text/xml");
  }
}

// The model's URI as an httplib pattern: {Label} matches one path segment, the query is dropped.
std::string UriPattern(absl::string_view uri) {
  uri = uri.substr(0, uri.find('?'));
  std::string pattern;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '{') {
      i = uri.find('}', i);
      pattern += "([^/]+)";
    } else {
      pattern += uri[i];
    }
  }
  return pattern;
}

// The error a body ReadRequestBody could not give answers with: MalformedInput, as DecodeXml
// reports a body over kMaxXmlBodyBytes.
ApiError BodyError(const absl::Status& status) {
  return {"MalformedInput", 400, std::string(status.message())};
}

// Mounts `handler` at `operation`'s method and URI. Errors and exceptions become XML errors.
// Operations that may carry a body read it themselves (request_body.h), so every Content-Type has
// the same bound, kMaxXmlBodyBytes; the handler sees it as req.body.
void Mount(httplib::Server& server, const core::Clock& clock, absl::string_view operation,
           Handler handler) {
  const Operation& op = Op(operation);
  auto run = [&clock, handler = std::move(handler)](const httplib::Request& req,
                                                    httplib::Response& res) {
    const std::string request_id = NewRequestId();
    try {
      absl::StatusOr<Reply> reply = handler(req, clock.Now());
      if (reply.ok()) {
        WriteReply(res, *reply, request_id);
      } else {
        WriteError(res, ToApiError(reply.status()), request_id);
      }
    } catch (const std::exception& e) {
      WriteError(res, {"InternalError", 500, absl::StrCat("edgesim: ", e.what())}, request_id);
    }
  };
  const std::string pattern = UriPattern(op.uri);
  if (op.method == "GET") {
    server.Get(pattern, std::move(run));
    return;
  }
  httplib::Server::HandlerWithContentReader with_body =
      [run = std::move(run)](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& content) {
        absl::StatusOr<std::string> body = ReadRequestBody(req, res, content, kMaxXmlBodyBytes);
        if (!body.ok()) {
          res.set_header("Connection", "close");
          return WriteError(res, BodyError(body.status()), NewRequestId());
        }
        // A copy that carries the body; its matches still point into req.path, which outlives it.
        httplib::Request with_content = req;
        with_content.body = *std::move(body);
        run(with_content, res);
      };
  if (op.method == "POST") server.Post(pattern, std::move(with_body));
  if (op.method == "PUT") server.Put(pattern, std::move(with_body));
  if (op.method == "DELETE") server.Delete(pattern, std::move(with_body));
}

// The operation's input payload, decoded; MissingBody when there is none.
absl::StatusOr<json> Payload(const httplib::Request& req, absl::string_view operation) {
  if (req.body.empty()) {
    return MakeApiError("MissingBody",
                        "This operation requires a body. Ensure that the body is "
                        "present and the Content-Type header is set.");
  }
  const Operation& op = Op(operation);
  return DecodeXml(req.body, op.input, op.input_root);
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.get_param_value(name);
}

absl::StatusOr<int> MaxItems(const httplib::Request& req) {
  if (!req.has_param("MaxItems")) return kDefaultMaxItems;
  const std::string text = Param(req, "MaxItems");
  int n;
  if (!absl::SimpleAtoi(text, &n) || n < 0) {
    return MakeApiError("InvalidArgument",
                        absl::StrCat("MaxItems \"", text, "\" is not a non-negative integer."));
  }
  return n;
}

// The partition of the region the caller signed for: the third field of the SigV4 credential
// scope, "Credential=AKID/20261121/cn-north-1/cloudfront/aws4_request" (API 2.1). An unsigned
// request is in the standard partition.
absl::string_view Partition(const httplib::Request& req) {
  constexpr absl::string_view kCredential = "Credential=";
  const std::string header = req.get_header_value("Authorization");
  const absl::string_view authorization = header;
  const size_t credential = authorization.find(kCredential);
  if (credential == absl::string_view::npos) return policy::kStandardPartition;
  const std::vector<absl::string_view> scope =
      absl::StrSplit(authorization.substr(credential + kCredential.size()), '/');
  return policy::CloudFrontPartition(scope.size() > 2 ? scope[2] : "");
}

// Update and Delete: an empty If-Match is a missing one (ControlPlane answers
// InvalidIfMatchVersion).
std::string IfMatch(const httplib::Request& req) { return req.get_header_value("If-Match"); }

std::string Location(absl::string_view resource) {
  return absl::StrCat(kCanonicalEndpoint, kCloudFrontApiPrefix, resource);
}

Reply Answer(absl::string_view operation, Versioned v, std::string location = "") {
  return {operation, std::move(v.body), std::move(v.etag), std::move(location)};
}

// Operations on the resource the URI's first {Id} names: read it, replace its config (If-Match),
// remove it (If-Match).
using Read = std::function<absl::StatusOr<Versioned>(const std::string& id, absl::Time now)>;
using Replace = std::function<absl::StatusOr<Versioned>(
    const std::string& id, const json& config, const std::string& if_match, absl::Time now)>;
using Remove = std::function<absl::Status(const std::string& id, const std::string& if_match)>;

void MountRead(httplib::Server& server, const core::Clock& clock, absl::string_view operation,
               Read read) {
  Mount(server, clock, operation,
        [operation, read = std::move(read)](const httplib::Request& req,
                                            absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(Versioned v, read(req.matches[1].str(), now));
          return Answer(operation, std::move(v));
        });
}

void MountReplace(httplib::Server& server, const core::Clock& clock, absl::string_view operation,
                  Replace replace) {
  Mount(server, clock, operation,
        [operation, replace = std::move(replace)](const httplib::Request& req,
                                                  absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json config, Payload(req, operation));
          EDGESIM_ASSIGN_OR_RETURN(Versioned v,
                                   replace(req.matches[1].str(), config, IfMatch(req), now));
          return Answer(operation, std::move(v));
        });
}

void MountRemove(httplib::Server& server, const core::Clock& clock, absl::string_view operation,
                 Remove remove) {
  Mount(server, clock, operation,
        [operation, remove = std::move(remove)](const httplib::Request& req,
                                                absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_RETURN_IF_ERROR(remove(req.matches[1].str(), IfMatch(req)));
          return Answer(operation, {});
        });
}

void MountDistributions(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  // CreateDistributionWithTags shares the URI, told apart by ?WithTags.
  Mount(server, clock, "CreateDistribution",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          const bool with_tags = req.has_param("WithTags");
          const absl::string_view op =
              with_tags ? "CreateDistributionWithTags" : "CreateDistribution";
          EDGESIM_ASSIGN_OR_RETURN(json payload, Payload(req, op));
          const json tags = with_tags ? payload.value("Tags", json::object()) : json();
          const json config =
              with_tags ? payload.value("DistributionConfig", json::object()) : std::move(payload);
          EDGESIM_ASSIGN_OR_RETURN(
              Versioned d,
              cp.CreateDistribution(config, with_tags ? &tags : nullptr, now, Partition(req)));
          const std::string id = d.body.value("Id", "");
          return Answer(op, std::move(d), Location(absl::StrCat("distribution/", id)));
        });
  Mount(server, clock, "GetDistribution",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(Versioned d,
                                   cp.GetDistribution(req.matches[1].str(), now, Partition(req)));
          return Answer("GetDistribution", std::move(d));
        });
  MountRead(server, clock, "GetDistributionConfig",
            [&cp](const std::string& id, absl::Time) { return cp.GetDistributionConfig(id); });
  Mount(server, clock, "UpdateDistribution",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json config, Payload(req, "UpdateDistribution"));
          EDGESIM_ASSIGN_OR_RETURN(
              Versioned d, cp.UpdateDistribution(req.matches[1].str(), config, IfMatch(req), now,
                                                 Partition(req)));
          return Answer("UpdateDistribution", std::move(d));
        });
  MountRemove(server, clock, "DeleteDistribution",
              [&cp](const std::string& id, const std::string& if_match) {
                return cp.DeleteDistribution(id, if_match);
              });
  Mount(server, clock, "ListDistributions",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(int max_items, MaxItems(req));
          EDGESIM_ASSIGN_OR_RETURN(json list, cp.ListDistributions(Param(req, "Marker"), max_items,
                                                                   now, Partition(req)));
          return Answer("ListDistributions", {std::move(list), ""});
        });
}

void MountInvalidations(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  Mount(server, clock, "CreateInvalidation",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json batch, Payload(req, "CreateInvalidation"));
          const std::string distribution = req.matches[1].str();
          EDGESIM_ASSIGN_OR_RETURN(CreatedInvalidation i,
                                   cp.CreateInvalidation(distribution, batch, now));
          const std::string id = i.invalidation.body.value("Id", "");
          return Answer(
              "CreateInvalidation", std::move(i.invalidation),
              Location(absl::StrCat("distribution/", distribution, "/invalidation/", id)));
        });
  Mount(server, clock, "GetInvalidation",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(
              Versioned i, cp.GetInvalidation(req.matches[1].str(), req.matches[2].str(), now));
          return Answer("GetInvalidation", std::move(i));
        });
  Mount(server, clock, "ListInvalidations",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(int max_items, MaxItems(req));
          EDGESIM_ASSIGN_OR_RETURN(
              json list,
              cp.ListInvalidations(req.matches[1].str(), Param(req, "Marker"), max_items, now));
          return Answer("ListInvalidations", {std::move(list), ""});
        });
}

// A policy-like resource's operations (emulator/policy_resource.h): their names in the model,
// the ControlPlane's methods, and the URI segment a created one's Location names.
struct PolicyOperations {
  absl::string_view create, get, get_config, update, remove, list;
  absl::string_view location;  // "cache-policy"
  absl::StatusOr<Versioned> (ControlPlane::*create_fn)(const json&, absl::Time);
  absl::StatusOr<Versioned> (ControlPlane::*get_fn)(absl::string_view) const;
  absl::StatusOr<Versioned> (ControlPlane::*get_config_fn)(absl::string_view) const;
  absl::StatusOr<Versioned> (ControlPlane::*update_fn)(absl::string_view, const json&,
                                                       absl::string_view, absl::Time);
  absl::Status (ControlPlane::*remove_fn)(absl::string_view, absl::string_view);
};

// `list_fn` is the ControlPlane's List: (Type, Marker, MaxItems) for kinds with managed ones,
// (Marker, MaxItems) for the others, whose operation has no Type.
template <typename ListFn>
void MountPolicyResource(httplib::Server& server, ControlPlane& cp, const core::Clock& clock,
                         const PolicyOperations& ops, ListFn list_fn) {
  Mount(server, clock, ops.create,
        [&cp, ops](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json config, Payload(req, ops.create));
          EDGESIM_ASSIGN_OR_RETURN(Versioned p, (cp.*ops.create_fn)(config, now));
          const std::string id = p.body.value("Id", "");
          return Answer(ops.create, std::move(p), Location(absl::StrCat(ops.location, "/", id)));
        });
  MountRead(server, clock, ops.get,
            [&cp, ops](const std::string& id, absl::Time) { return (cp.*ops.get_fn)(id); });
  MountRead(server, clock, ops.get_config,
            [&cp, ops](const std::string& id, absl::Time) { return (cp.*ops.get_config_fn)(id); });
  MountReplace(
      server, clock, ops.update,
      [&cp, ops](const std::string& id, const json& config, const std::string& if_match,
                 absl::Time now) { return (cp.*ops.update_fn)(id, config, if_match, now); });
  MountRemove(server, clock, ops.remove,
              [&cp, ops](const std::string& id, const std::string& if_match) {
                return (cp.*ops.remove_fn)(id, if_match);
              });
  Mount(server, clock, ops.list,
        [&cp, ops, list_fn](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(int max_items, MaxItems(req));
          absl::StatusOr<json> list;
          if constexpr (std::is_invocable_v<ListFn, ControlPlane&, absl::string_view, int>) {
            list = (cp.*list_fn)(Param(req, "Marker"), max_items);
          } else {
            list = (cp.*list_fn)(Param(req, "Type"), Param(req, "Marker"), max_items);
          }
          if (!list.ok()) return list.status();
          return Answer(ops.list, {*std::move(list), ""});
        });
}

// Cache policies (API 1.8) and origin request policies (SPEC 14).
void MountPolicies(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  MountPolicyResource(
      server, cp, clock,
      {"CreateCachePolicy", "GetCachePolicy", "GetCachePolicyConfig", "UpdateCachePolicy",
       "DeleteCachePolicy", "ListCachePolicies", "cache-policy", &ControlPlane::CreateCachePolicy,
       &ControlPlane::GetCachePolicy, &ControlPlane::GetCachePolicyConfig,
       &ControlPlane::UpdateCachePolicy, &ControlPlane::DeleteCachePolicy},
      &ControlPlane::ListCachePolicies);
  MountPolicyResource(
      server, cp, clock,
      {"CreateOriginRequestPolicy", "GetOriginRequestPolicy", "GetOriginRequestPolicyConfig",
       "UpdateOriginRequestPolicy", "DeleteOriginRequestPolicy", "ListOriginRequestPolicies",
       "origin-request-policy", &ControlPlane::CreateOriginRequestPolicy,
       &ControlPlane::GetOriginRequestPolicy, &ControlPlane::GetOriginRequestPolicyConfig,
       &ControlPlane::UpdateOriginRequestPolicy, &ControlPlane::DeleteOriginRequestPolicy},
      &ControlPlane::ListOriginRequestPolicies);
  MountPolicyResource(
      server, cp, clock,
      {"CreateResponseHeadersPolicy", "GetResponseHeadersPolicy",
       "GetResponseHeadersPolicyConfig", "UpdateResponseHeadersPolicy",
       "DeleteResponseHeadersPolicy", "ListResponseHeadersPolicies", "response-headers-policy",
       &ControlPlane::CreateResponseHeadersPolicy, &ControlPlane::GetResponseHeadersPolicy,
       &ControlPlane::GetResponseHeadersPolicyConfig, &ControlPlane::UpdateResponseHeadersPolicy,
       &ControlPlane::DeleteResponseHeadersPolicy},
      &ControlPlane::ListResponseHeadersPolicies);
}

// SPEC 10.1, 10.3.
void MountOriginAccess(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  MountPolicyResource(
      server, cp, clock,
      {"CreateOriginAccessControl", "GetOriginAccessControl", "GetOriginAccessControlConfig",
       "UpdateOriginAccessControl", "DeleteOriginAccessControl", "ListOriginAccessControls",
       "origin-access-control", &ControlPlane::CreateOriginAccessControl,
       &ControlPlane::GetOriginAccessControl, &ControlPlane::GetOriginAccessControlConfig,
       &ControlPlane::UpdateOriginAccessControl, &ControlPlane::DeleteOriginAccessControl},
      &ControlPlane::ListOriginAccessControls);
  MountPolicyResource(
      server, cp, clock,
      {"CreateCloudFrontOriginAccessIdentity", "GetCloudFrontOriginAccessIdentity",
       "GetCloudFrontOriginAccessIdentityConfig", "UpdateCloudFrontOriginAccessIdentity",
       "DeleteCloudFrontOriginAccessIdentity", "ListCloudFrontOriginAccessIdentities",
       "origin-access-identity/cloudfront", &ControlPlane::CreateCloudFrontOriginAccessIdentity,
       &ControlPlane::GetCloudFrontOriginAccessIdentity,
       &ControlPlane::GetCloudFrontOriginAccessIdentityConfig,
       &ControlPlane::UpdateCloudFrontOriginAccessIdentity,
       &ControlPlane::DeleteCloudFrontOriginAccessIdentity},
      &ControlPlane::ListCloudFrontOriginAccessIdentities);
}

// CloudFront Functions (API 1.11), named by their Name in the URI.
void MountFunctions(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  Mount(server, clock, "CreateFunction",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json request, Payload(req, "CreateFunction"));
          EDGESIM_ASSIGN_OR_RETURN(Versioned f, cp.CreateFunction(request, now));
          const std::string name = f.body.value("Name", "");
          return Answer("CreateFunction", std::move(f), Location(absl::StrCat("function/", name)));
        });
  Mount(server, clock, "DescribeFunction",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(Versioned f,
                                   cp.DescribeFunction(req.matches[1].str(), Param(req, "Stage")));
          return Answer("DescribeFunction", std::move(f));
        });
  Mount(server, clock, "GetFunction",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(FunctionCode code,
                                   cp.GetFunction(req.matches[1].str(), Param(req, "Stage")));
          Reply reply{"GetFunction", json(), std::move(code.etag)};
          reply.raw_body = std::move(code.code);
          return reply;
        });
  Mount(server, clock, "UpdateFunction",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json request, Payload(req, "UpdateFunction"));
          EDGESIM_ASSIGN_OR_RETURN(
              Versioned f, cp.UpdateFunction(req.matches[1].str(), request, IfMatch(req), now));
          Reply reply = Answer("UpdateFunction", std::move(f));
          // botocore's model reads this answer's ETag from a header named ETtag (sic, API 1.11).
          reply.headers.emplace_back("ETtag", reply.etag);
          return reply;
        });
  Mount(server, clock, "PublishFunction",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(Versioned f,
                                   cp.PublishFunction(req.matches[1].str(), IfMatch(req), now));
          return Answer("PublishFunction", std::move(f));
        });
  MountRemove(server, clock, "DeleteFunction",
              [&cp](const std::string& name, const std::string& if_match) {
                return cp.DeleteFunction(name, if_match);
              });
  Mount(server, clock, "ListFunctions",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(int max_items, MaxItems(req));
          EDGESIM_ASSIGN_OR_RETURN(
              json list, cp.ListFunctions(Param(req, "Stage"), Param(req, "Marker"), max_items));
          return Answer("ListFunctions", {std::move(list), ""});
        });
  Mount(server, clock, "TestFunction",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json request, Payload(req, "TestFunction"));
          EDGESIM_ASSIGN_OR_RETURN(json result,
                                   cp.TestFunction(req.matches[1].str(), request, IfMatch(req)));
          return Answer("TestFunction", {std::move(result), ""});
        });
}

// Key value stores' control plane (API 1.11), named by their Name in the URI.
void MountKeyValueStores(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  Mount(server, clock, "CreateKeyValueStore",
        [&cp](const httplib::Request& req, absl::Time now) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(json request, Payload(req, "CreateKeyValueStore"));
          EDGESIM_ASSIGN_OR_RETURN(Versioned k, cp.CreateKeyValueStore(request, now));
          const std::string name = k.body.value("Name", "");
          return Answer("CreateKeyValueStore", std::move(k),
                        Location(absl::StrCat("key-value-store/", name)));
        });
  MountRead(server, clock, "DescribeKeyValueStore",
            [&cp](const std::string& name, absl::Time) { return cp.DescribeKeyValueStore(name); });
  MountReplace(server, clock, "UpdateKeyValueStore",
               [&cp](const std::string& name, const json& request, const std::string& if_match,
                     absl::Time now) {
                 return cp.UpdateKeyValueStore(name, request, if_match, now);
               });
  MountRemove(server, clock, "DeleteKeyValueStore",
              [&cp](const std::string& name, const std::string& if_match) {
                return cp.DeleteKeyValueStore(name, if_match);
              });
  Mount(server, clock, "ListKeyValueStores",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(int max_items, MaxItems(req));
          EDGESIM_ASSIGN_OR_RETURN(json list,
                                   cp.ListKeyValueStores(Param(req, "Marker"), max_items));
          return Answer("ListKeyValueStores", {std::move(list), ""});
        });
}

absl::StatusOr<std::string> Resource(const httplib::Request& req) {
  if (!req.has_param("Resource") || Param(req, "Resource").empty()) {
    return MakeApiError("InvalidArgument", "The Resource query parameter (an ARN) is required.");
  }
  return Param(req, "Resource");
}

void MountTags(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  Mount(server, clock, "ListTagsForResource",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          EDGESIM_ASSIGN_OR_RETURN(std::string arn, Resource(req));
          EDGESIM_ASSIGN_OR_RETURN(json tags, cp.ListTagsForResource(arn, Partition(req)));
          return Answer("ListTagsForResource", {std::move(tags), ""});
        });
  // UntagResource shares the URI, told apart by ?Operation=.
  Mount(server, clock, "TagResource",
        [&cp](const httplib::Request& req, absl::Time) -> absl::StatusOr<Reply> {
          const std::string operation = Param(req, "Operation");
          if (operation != "Tag" && operation != "Untag") {
            return MakeApiError("InvalidArgument",
                                "The Operation query parameter must be Tag or Untag.");
          }
          EDGESIM_ASSIGN_OR_RETURN(std::string arn, Resource(req));
          if (operation == "Tag") {
            EDGESIM_ASSIGN_OR_RETURN(json tags, Payload(req, "TagResource"));
            EDGESIM_RETURN_IF_ERROR(cp.TagResource(arn, tags, Partition(req)));
            return Answer("TagResource", {});
          }
          EDGESIM_ASSIGN_OR_RETURN(json keys, Payload(req, "UntagResource"));
          EDGESIM_RETURN_IF_ERROR(cp.UntagResource(arn, keys, Partition(req)));
          return Answer("UntagResource", {});
        });
}

// Bodies for what httplib refuses before any route runs: unknown routes (404), and the body of a
// request no route matches when httplib found it too large to read (413: over the payload limit,
// or a form-urlencoded one over the library's own, smaller one). A route reads its own (Mount).
httplib::Server::HandlerResponse ApiErrorPage(const httplib::Request& req, httplib::Response& res) {
  if (!absl::StartsWith(req.path, kCloudFrontApiPrefix) || !res.body.empty()) {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  const std::string request_id = NewRequestId();
  if (res.status == 413) {
    WriteError(res, {"MalformedInput", 400, "The request body is too large to read."}, request_id);
  } else if (res.status == 404) {
    WriteError(res,
               {"NotFound", 404,
                absl::StrCat("edgesim implements no CloudFront operation at ", req.method, " ",
                             req.path, ".")},
               request_id);
  } else {
    WriteError(res, {"MalformedInput", res.status, "The request could not be read."}, request_id);
  }
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

void MountCloudFrontApi(httplib::Server& server, ControlPlane& control_plane,
                        const core::Clock& clock) {
  server.set_payload_max_length(kMaxXmlBodyBytes);
  server.set_error_handler(httplib::Server::HandlerWithResponse(ApiErrorPage));
  MountDistributions(server, control_plane, clock);
  MountInvalidations(server, control_plane, clock);
  MountPolicies(server, control_plane, clock);
  MountOriginAccess(server, control_plane, clock);
  MountTags(server, control_plane, clock);
  MountFunctions(server, control_plane, clock);
  MountKeyValueStores(server, control_plane, clock);
}

void WriteCloudFrontApiError(httplib::Response& res, const ApiError& error) {
  WriteError(res, error, NewRequestId());
}

}  // namespace edgesim::emulator
