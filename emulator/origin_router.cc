#include "emulator/origin_router.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "emulator/directory_origin.h"
#include "emulator/http_origin.h"
#include "policy/origin_access.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

// "http://host:port" (a path or trailing slash is ignored) -> host and port. `what` names the
// setting in errors.
absl::StatusOr<HttpEndpoint> ParseHttpEndpoint(absl::string_view what, absl::string_view url) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " \"", url, "\": expected http://HOST[:PORT] (https is not supported)"));
  }
  rest = rest.substr(0, rest.find('/'));
  HttpEndpoint endpoint{std::string(rest), 80};
  const size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos && rest.find(']', colon) == absl::string_view::npos) {
    endpoint.host = std::string(rest.substr(0, colon));
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &endpoint.port) || endpoint.port <= 0 ||
        endpoint.port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat(what, " \"", url, "\": invalid port"));
    }
  }
  if (endpoint.host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", url, "\": no host"));
  }
  return endpoint;
}

// `forwarded` re-aimed at the S3-compatible endpoint, path style: /<bucket><target>. The Host
// names the endpoint, so the server does not read a virtual-hosted bucket from it.
policy::Request PathStyle(const policy::Request& forwarded, const std::string& bucket,
                          const HttpEndpoint& endpoint) {
  policy::Request r = forwarded;
  r.target = absl::StrCat("/", bucket, forwarded.target);
  r.headers.Set("Host", absl::StrCat(endpoint.host, ":", endpoint.port));
  return r;
}

}  // namespace

struct OriginRouter::Impl {
  Impl(const OriginOptions& o)
      : options(o),
        http(o.http_client != nullptr ? o.http_client
                                      : std::make_shared<HttpOriginClient>(HttpClientOptions{
                                            .max_body_bytes = o.max_body_bytes,
                                            .max_header_bytes = o.max_header_bytes,
                                            .max_idle_connections = o.max_idle_connections})) {}

  absl::StatusOr<core::OriginResponse> FetchS3(const policy::Origin& origin,
                                               const std::string& bucket,
                                               const policy::Request& forwarded,
                                               const HttpEndpoint* mapped) {
    if (mapped == nullptr && !s3_endpoint.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "origin ", origin.id, " is the S3 bucket ", bucket,
          ": pass --s3-endpoint http://HOST:PORT (an S3-compatible server) or --origin ",
          origin.id, "=http://HOST:PORT"));
    }
    const HttpEndpoint& endpoint = mapped != nullptr ? *mapped : *s3_endpoint;
    return http->Fetch(endpoint, origin, Signed(origin, PathStyle(forwarded, bucket, endpoint)));
  }

  absl::StatusOr<core::OriginResponse> FetchCustom(const policy::Origin& origin,
                                                   const policy::Request& forwarded,
                                                   const HttpEndpoint* mapped) {
    return http->Fetch(CustomEndpoint(origin, forwarded, mapped), origin,
                       Signed(origin, forwarded));
  }

  // Where a custom origin's request goes.
  static HttpEndpoint CustomEndpoint(const policy::Origin& origin, const policy::Request& forwarded,
                                     const HttpEndpoint* mapped) {
    // A local stand-in speaks plain HTTP whatever the production origin's protocol policy.
    if (mapped != nullptr) return *mapped;
    // OriginProtocolPolicy: HTTPS always for https-only, for match-viewer when the viewer used
    // it. A validated config's ports are 80, 443 or 1024-65535 (policy::OriginPortProblem).
    const bool tls = origin.protocol_policy == "https-only" ||
                     (origin.protocol_policy == "match-viewer" && forwarded.https);
    const int64_t port = tls ? origin.https_port : origin.http_port;
    return {origin.domain_name, static_cast<int>(port), tls};
  }

  const HttpEndpoint* Mapped(const policy::Origin& origin) const {
    const auto it = mapped.find(origin.id);
    return it != mapped.end() ? &it->second : nullptr;
  }

  // `request` as it goes to `origin`: signed when its OAC or OAI says so (SPEC 10.2) and there
  // are credentials to sign with.
  policy::Request Signed(const policy::Origin& origin, policy::Request request) const {
    if (!origin.signing.has_value() || !options.origin_credentials.has_value() ||
        !policy::SignsOriginRequest(*origin.signing, request)) {
      return request;
    }
    const std::string region = options.signing_region.empty()
                                   ? policy::SigningRegion(origin.domain_name)
                                   : options.signing_region;
    // The origin checks the signature's time against its own clock: the wall clock, not the
    // edge's (which tests may set by hand).
    SignSigV4(request, *options.origin_credentials,
              {.region = region, .service = origin.signing->service}, absl::Now());
    return request;
  }

  const OriginOptions options;
  absl::optional<HttpEndpoint> s3_endpoint;
  // By origin id: OriginOptions::origin_urls.
  absl::flat_hash_map<std::string, HttpEndpoint> mapped;
  // By origin id.
  absl::flat_hash_map<std::string, std::unique_ptr<DirectoryOrigin>> directories;
  std::shared_ptr<HttpOriginClient> http;
};

absl::StatusOr<std::unique_ptr<OriginRouter>> OriginRouter::Create(
    const policy::DistributionConfig& config, OriginOptions options) {
  auto impl = std::make_unique<Impl>(options);
  if (!options.s3_endpoint.empty()) {
    EDGESIM_ASSIGN_OR_RETURN(impl->s3_endpoint,
                             ParseHttpEndpoint("s3_endpoint", options.s3_endpoint));
  }
  for (const auto& [id, url] : options.origin_urls) {
    const std::string flag = absl::StrCat("--origin ", id, "=", url);
    if (config.FindOrigin(id) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": the distribution has no origin ", id));
    }
    EDGESIM_ASSIGN_OR_RETURN(impl->mapped[id], ParseHttpEndpoint(flag, url));
  }
  for (const auto& [id, dir] : options.origin_dirs) {
    if (config.FindOrigin(id) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--origin-dir ", id, "=", dir, ": the distribution has no origin ", id));
    }
    absl::StatusOr<std::unique_ptr<DirectoryOrigin>> directory =
        DirectoryOrigin::Create(dir, options.cache_control_rules, options.max_body_bytes);
    if (!directory.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--origin-dir ", id, "=", dir, ": ", directory.status().message()));
    }
    impl->directories[id] = *std::move(directory);
  }
  return std::unique_ptr<OriginRouter>(new OriginRouter(std::move(impl)));
}

OriginRouter::OriginRouter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OriginRouter::~OriginRouter() = default;

absl::StatusOr<core::OriginResponse> OriginRouter::Fetch(const core::OriginRequest& request,
                                                         absl::Time now) {
  if (request.origin == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("behavior ", request.behavior != nullptr ? request.behavior->path_pattern : "",
                     " targets an origin the distribution does not define"));
  }
  const policy::Origin& origin = *request.origin;
  if (auto dir = impl_->directories.find(origin.id); dir != impl_->directories.end()) {
    return dir->second->Serve(request.forwarded, now);
  }
  const HttpEndpoint* mapped = impl_->Mapped(origin);
  if (const absl::optional<policy::S3Domain> s3 = policy::ParseS3Domain(origin.domain_name)) {
    return impl_->FetchS3(origin, s3->bucket, request.forwarded, mapped);
  }
  return impl_->FetchCustom(origin, request.forwarded, mapped);
}

bool OriginRouter::AsyncFetch(boost::asio::io_context& loop, const core::OriginRequest& request,
                              HttpOriginClient::Callback done) {
  if (request.origin == nullptr || request.group != nullptr) return false;
  const policy::Origin& origin = *request.origin;
  const bool signs = origin.signing.has_value() && impl_->options.origin_credentials.has_value();
  if (signs || impl_->directories.contains(origin.id) ||
      policy::ParseS3Domain(origin.domain_name).has_value()) {
    return false;
  }
  const HttpEndpoint endpoint =
      Impl::CustomEndpoint(origin, request.forwarded, impl_->Mapped(origin));
  if (endpoint.tls) return false;
  impl_->http->AsyncFetch(loop, endpoint, origin, request.forwarded, std::move(done));
  return true;
}

void OriginRouter::Release(boost::asio::io_context& loop) { impl_->http->Release(loop); }

}  // namespace edgesim::emulator
