// conditional_request.h — RFC 9110 13 preconditions a GET/HEAD carries: whether the sender's
// copy (If-None-Match / If-Modified-Since) is still the current representation, so a 304 answers.
//
// The edge uses it for viewers' conditional requests against a cached object (SPEC 3.4); the
// emulator's directory origin for CloudFront's revalidations against a file.
//
//   Request r = Request::Get("/a.js");
//   r.headers.Add("If-None-Match", "W/\"v1\", \"v2\"");
//   NotModified(r, Headers{{"ETag", "\"v2\""}});   // true
#pragma once

#include "absl/functional/function_ref.h"
#include "policy/http_message.h"

namespace edgesim::policy {

// True when `request` is a GET or HEAD whose validators match `representation`'s (its ETag and
// Last-Modified headers): If-None-Match by weak comparison (`*` matches anything), and only
// without it If-Modified-Since (Last-Modified not after it). UNCONFIRMED (SPEC 3.4) that
// CloudFront evaluates them in this RFC order.
bool NotModified(const Request& request, const Headers& representation);
// The same, asking for the representation's headers only when the request has validators.
bool NotModified(const Request& request,
                 absl::FunctionRef<const Headers&()> representation);

// Whether a response carries a validator (ETag or Last-Modified) a conditional request can use:
// CloudFront's revalidation (SPEC 3.4), and whether a TTL-0 response is worth storing (SPEC 3.3).
bool HasValidators(const Headers& representation);

}  // namespace edgesim::policy
