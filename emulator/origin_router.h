// origin_router.h — the emulator's OriginFetcher: sends each upstream request to the origin the
// behavior names, over the transport that origin needs (DESIGN 5, SPEC 5 and 7.3).
//
// * Custom origins (CustomOriginConfig): HTTP/1.1 to DomainName:HTTPPort through a keep-alive
//   connection pool, with the origin's ConnectionAttempts, ConnectionTimeout, OriginReadTimeout
//   and OriginKeepaliveTimeout (SPEC 7.3). No connection -> kUnavailable (502); no answer in
//   time -> kDeadlineExceeded (504).
// * S3 origins (`bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com`, website
//   endpoints): path-style requests to `OriginOptions::s3_endpoint` (moto_server, MinIO, ...).
// * Any of these pointed at a local server (`--origin ID=http://HOST:PORT`): the connection goes
//   there instead of DomainName:HTTPPort (or the S3 endpoint), plain HTTP whatever the origin's
//   OriginProtocolPolicy; the request is unchanged, so the server sees the configured DomainName
//   as Host, as the production origin would (an S3 origin: path style, as with the S3 endpoint).
// * Origins behind an origin access control or a legacy identity (SPEC 10.2): the request is
//   signed (SigV4, `origin_credentials`) last, as it goes on the wire, so the signed Host and path
//   are those the server sees (the S3 endpoint's, path style); policy::SignsOriginRequest decides
//   per request.
// * Directory origins (`--origin-dir ID=DIR`): files under DIR with Content-Type, ETag,
//   Last-Modified and a Cache-Control from rules; no path escapes DIR.
// * The built-in demo origin (`edgesim serve --demo`), in process.
//
// Fetch blocks the calling thread (EdgeCache is synchronous): the edge server calls it from its
// origin worker threads, never from an event loop; its event loops use AsyncFetch, for plain HTTP.
// Thread-safe.
//
//   auto router = *OriginRouter::Create(distribution.config, {.s3_endpoint =
//   "http://127.0.0.1:5000"}); auto edge = *core::EdgeCache::Create(distribution, {});
//   edge->Handle(request, now, *router);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/origin_fetcher.h"
#include "emulator/http_origin.h"
#include "emulator/sigv4_signer.h"
#include "policy/distribution.h"

namespace edgesim::emulator {

struct OriginOptions {
  // Where S3 origins go, path style ("http://127.0.0.1:5000"); empty: S3 origins are refused (502)
  // with a message saying to pass --s3-endpoint.
  std::string s3_endpoint = {};
  // Origin id -> directory served for it (--origin-dir ID=DIR), replacing its DomainName.
  std::map<std::string, std::string> origin_dirs = {};
  // Cache-Control for directory origins' files: (path pattern, value), first match wins, before
  // each directory's own .edgesim-cache-control rules (directory_origin.h).
  std::vector<std::pair<std::string, std::string>> cache_control_rules = {};
  // The connections to HTTP and S3 origins, shared with other routers (one pool per process, which
  // the edge abandons at shutdown); null: the router makes its own with the bounds below.
  std::shared_ptr<HttpOriginClient> http_client = nullptr;
  // Largest origin body read into memory; larger answers are a 502 (OriginError).
  uint64_t max_body_bytes = uint64_t{256} << 20;
  // Largest origin status line plus headers; larger is a 502.
  uint32_t max_header_bytes = 64 << 10;
  // Idle keep-alive connections kept per origin.
  int max_idle_connections = 64;
  // Origin id -> "http://HOST:PORT" its requests go to instead (--origin ID=URL).
  std::map<std::string, std::string> origin_urls = {};
  // What requests to origins behind an origin access control or identity are signed with (SigV4,
  // SPEC 10.2); nullopt: they go unsigned.
  absl::optional<AwsCredentials> origin_credentials = absl::nullopt;
  // The Region they are signed for; empty: each origin's own (policy::SigningRegion).
  std::string signing_region = {};
};

class OriginRouter final : public core::OriginFetcher {
 public:
  // InvalidArgument when an origin_dirs or origin_urls entry names no origin, a directory is
  // missing, or s3_endpoint or an origin URL is not http://HOST[:PORT].
  static absl::StatusOr<std::unique_ptr<OriginRouter>> Create(
      const policy::DistributionConfig& config, OriginOptions options);
  ~OriginRouter() override;

  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override;

  // Fetch without blocking, when `request` is plain HTTP to a custom origin (or its local
  // stand-in) and goes unsigned and to no origin group: made on `loop` (HttpOriginClient::
  // AsyncFetch), `done` called there; `request` must outlive that. False, nothing done, for the
  // rest (directory, S3 and HTTPS origins, signed requests, a missing origin): Fetch those where
  // blocking is allowed.
  bool AsyncFetch(boost::asio::io_context& loop, const core::OriginRequest& request,
                  HttpOriginClient::Callback done);
  // HttpOriginClient::Release.
  void Release(boost::asio::io_context& loop);

 private:
  struct Impl;
  explicit OriginRouter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::emulator
