#include "emulator/key_value_store_api.h"

#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/request_body.h"
#include "emulator/xml_codec.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// The routes' targets: an optional absolute-form scheme and authority, then the model's URI with
// the store's ARN (arn:aws:cloudfront::ACCOUNT:key-value-store/ID, its "/" percent-decoded).
constexpr char kKvsTargetPrefix[] = R"((?:https?://[^/]+)?/key-value-stores/(arn:[^/]*/[^/]+))";

// Each error code of the service's model with its HTTP status; anything else is ours (500).
int KvsErrorStatus(absl::string_view code) {
  static constexpr std::pair<absl::string_view, int> kStatuses[] = {
      {"ValidationException", 400},       {"AccessDeniedException", 403},
      {"ResourceNotFoundException", 404}, {"ConflictException", 409},
      {"ServiceQuotaExceededException", 402}};
  for (const auto& [name, status] : kStatuses) {
    if (name == code) return status;
  }
  return 500;
}

void WriteKvsError(httplib::Response& res, const absl::Status& status) {
  ApiError error = ToApiError(status);
  if (KvsErrorStatus(error.code) == 500) error.code = "InternalServerException";
  res.status = KvsErrorStatus(error.code);
  res.set_header("x-amzn-ErrorType", error.code);
  res.set_content(json{{"Message", error.message}}.dump(), "application/json");
}

void WriteKvsAnswer(httplib::Response& res, const Versioned& answer) {
  res.status = 200;
  if (!answer.etag.empty()) res.set_header("ETag", answer.etag);
  res.set_content(answer.body.dump(), "application/json");
}

using KvsHandler = std::function<absl::StatusOr<Versioned>(const httplib::Request&, absl::Time)>;

// Runs `handler`; errors and exceptions become the service's JSON errors.
void RunKvs(const core::Clock& clock, const KvsHandler& handler, const httplib::Request& req,
            httplib::Response& res) {
  try {
    absl::StatusOr<Versioned> answer = handler(req, clock.Now());
    if (answer.ok()) return WriteKvsAnswer(res, *answer);
    WriteKvsError(res, answer.status());
  } catch (const std::exception& e) {
    WriteKvsError(res, absl::InternalError(absl::StrCat("edgesim: ", e.what())));
  }
}

// A route that takes a body, read first (bounded like the CloudFront API's, 1 MiB).
httplib::Server::HandlerWithContentReader KvsRoute(const core::Clock& clock, KvsHandler handler) {
  return [&clock, handler = std::move(handler)](const httplib::Request& req,
                                                httplib::Response& res,
                                                const httplib::ContentReader& content) {
    absl::StatusOr<std::string> body = ReadRequestBody(req, res, content, kMaxXmlBodyBytes);
    if (!body.ok()) {
      res.set_header("Connection", "close");
      return WriteKvsError(res, MakeApiError("ValidationException", body.status().message()));
    }
    httplib::Request with_content = req;
    with_content.body = *std::move(body);
    RunKvs(clock, handler, with_content, res);
  };
}

// A GET route.
httplib::Server::Handler KvsReadRoute(const core::Clock& clock, KvsHandler handler) {
  return [&clock, handler = std::move(handler)](const httplib::Request& req,
                                                httplib::Response& res) {
    RunKvs(clock, handler, req, res);
  };
}

absl::StatusOr<json> JsonBody(const httplib::Request& req) {
  json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (!body.is_object()) return MakeApiError("ValidationException", "The body is not JSON.");
  return body;
}

absl::StatusOr<std::string> RequiredStringMember(const json& item, const char* name) {
  const json value = item.value(name, json());
  if (!value.is_string()) {
    return MakeApiError("ValidationException", absl::StrCat(name, " must be a string."));
  }
  return value.get<std::string>();
}

// UpdateKeys' {Puts [{Key, Value}], Deletes [{Key}]}.
absl::Status ReadUpdates(const json& body, std::vector<policy::KeyValuePair>& puts,
                         std::vector<std::string>& deletes) {
  for (const json& put : body.value("Puts", json::array())) {
    EDGESIM_ASSIGN_OR_RETURN(std::string key, RequiredStringMember(put, "Key"));
    EDGESIM_ASSIGN_OR_RETURN(std::string value, RequiredStringMember(put, "Value"));
    puts.push_back({std::move(key), std::move(value)});
  }
  for (const json& del : body.value("Deletes", json::array())) {
    EDGESIM_ASSIGN_OR_RETURN(std::string key, RequiredStringMember(del, "Key"));
    deletes.push_back(std::move(key));
  }
  return absl::OkStatus();
}

}  // namespace

void MountKeyValueStoreApi(httplib::Server& server, ControlPlane& cp, const core::Clock& clock) {
  const std::string store = kKvsTargetPrefix;
  const std::string keys = store + "/keys";
  const std::string key = keys + "/(.+)";
  server.Get(store, KvsReadRoute(clock, [&cp](const httplib::Request& req, absl::Time) {
               return cp.DescribeKeyValueStoreData(req.matches[1].str());
             }));
  server.Get(key, KvsReadRoute(clock, [&cp](const httplib::Request& req, absl::Time)
                                          -> absl::StatusOr<Versioned> {
               EDGESIM_ASSIGN_OR_RETURN(json body,
                                        cp.GetKey(req.matches[1].str(), req.matches[2].str()));
               return Versioned{std::move(body), ""};
             }));
  server.Get(keys, KvsReadRoute(clock, [&cp](const httplib::Request& req, absl::Time)
                                           -> absl::StatusOr<Versioned> {
               int max_results = 0;
               const std::string max_text = req.get_param_value("MaxResults");
               if (!max_text.empty() && (!absl::SimpleAtoi(max_text, &max_results) ||
                                         max_results < 1)) {
                 return MakeApiError("ValidationException", "MaxResults must be 1 to 50.");
               }
               EDGESIM_ASSIGN_OR_RETURN(json body,
                                        cp.ListKeys(req.matches[1].str(),
                                                    req.get_param_value("NextToken"), max_results));
               return Versioned{std::move(body), ""};
             }));
  server.Put(key, KvsRoute(clock, [&cp](const httplib::Request& req, absl::Time now)
                                      -> absl::StatusOr<Versioned> {
               EDGESIM_ASSIGN_OR_RETURN(json body, JsonBody(req));
               EDGESIM_ASSIGN_OR_RETURN(std::string value, RequiredStringMember(body, "Value"));
               return cp.UpdateKeys(req.matches[1].str(), {{req.matches[2].str(), value}}, {},
                                    req.get_header_value("If-Match"), now);
             }));
  server.Delete(key, KvsRoute(clock, [&cp](const httplib::Request& req, absl::Time now) {
                  return cp.UpdateKeys(req.matches[1].str(), {}, {req.matches[2].str()},
                                       req.get_header_value("If-Match"), now);
                }));
  server.Post(keys, KvsRoute(clock, [&cp](const httplib::Request& req, absl::Time now)
                                        -> absl::StatusOr<Versioned> {
                EDGESIM_ASSIGN_OR_RETURN(json body, JsonBody(req));
                std::vector<policy::KeyValuePair> puts;
                std::vector<std::string> deletes;
                EDGESIM_RETURN_IF_ERROR(ReadUpdates(body, puts, deletes));
                return cp.UpdateKeys(req.matches[1].str(), puts, deletes,
                                     req.get_header_value("If-Match"), now);
              }));
}

}  // namespace edgesim::emulator
