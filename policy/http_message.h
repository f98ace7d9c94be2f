// http_message.h — the HTTP value types the CloudFront model reasons about.
//
// `Headers` keeps fields in arrival order and compares names case-insensitively (RFC 9110 5.1),
// which is also how CloudFront treats header names in cache keys (SPEC 2.3). `Response` carries no
// body and the model never reads a request's: it decides from the framing headers, the drivers
// move bytes. A viewer's request body rides along as a shared buffer, so every copy of the
// request (a tier's, a refresh's) shares the one the edge read.
//
//   Request r = Request::Get("/images/a.jpg?w=1");
//   r.headers.Add("Accept-Encoding", "gzip, br");
//   r.path();   // "/images/a.jpg"
//   r.query();  // "w=1"
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace edgesim::policy {

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  // Room for `count` fields, for a builder that knows how many it will add.
  void Reserve(size_t count) { fields_.reserve(count); }
  // Appends a field; repeated names are kept in order.
  void Add(absl::string_view name, absl::string_view value);
  // Replaces every field of this name with one.
  void Set(absl::string_view name, absl::string_view value);
  void Remove(absl::string_view name);

  bool Has(absl::string_view name) const;
  // The first field of this name.
  absl::optional<absl::string_view> Get(absl::string_view name) const;
  // Every field of this name, in order.
  std::vector<absl::string_view> GetAll(absl::string_view name) const;
  // Every value of this name joined with ", " (RFC 9110 5.3 list combination); nullopt if absent.
  absl::optional<std::string> GetCombined(absl::string_view name) const;

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  size_t size() const { return fields_.size(); }

  bool operator==(const Headers&) const = default;

 private:
  std::vector<Field> fields_;
};

std::ostream& operator<<(std::ostream& os, const Headers& headers);

struct Request {
  std::string method = "GET";
  // The request target as the viewer sent it: raw path plus optional "?query".
  std::string target = "/";
  Headers headers;
  // 0 for HTTP/1.0, 1 for HTTP/1.1 (CloudFront drops Accept-Encoding for HTTP/1.0, SPEC 2.4).
  int http_minor_version = 1;
  // The viewer's IP address as the edge saw it (X-Forwarded-For, access logs); empty when unknown.
  std::string viewer_address;
  // The viewer connected over HTTPS (ViewerProtocolPolicy, CloudFront-Forwarded-Proto,
  // OriginProtocolPolicy match-viewer, the access log's cs-protocol).
  bool https = false;
  // The viewer's TCP source port (CloudFront-Viewer-Address, SPEC 13.3); 0 when unknown.
  int viewer_port = 0;
  // The body the viewer sent, shared, never copied; null for none (SPEC 13.4).
  std::shared_ptr<const std::string> body;

  static Request Get(absl::string_view target) {
    Request r;
    r.target = std::string(target);
    return r;
  }

  // The target before '?', raw (not normalized).
  absl::string_view path() const;
  // The target after the first '?', without it; empty when there is none.
  absl::string_view query() const;
  bool has_query() const;

  bool operator==(const Request&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Request& request);

struct Response {
  int status = 200;
  Headers headers;

  bool operator==(const Response&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Response& response);

}  // namespace edgesim::policy
