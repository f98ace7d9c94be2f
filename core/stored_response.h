// stored_response.h — what a cache keeps for one object: an immutable, refcounted response.
//
// A hit hands the caller a `ResponseRef`, so no lock is held while the caller writes the body to
// a socket and no body is copied (DESIGN 4). The body bytes are shared separately
// (`BodyRef`), so the tiers of one request (POP, regional edge cache, Origin Shield) hold one copy
// of a large body between them while each keeps its own headers and caching decision. The
// simulator never has bodies: it stores sizes only (`body` null, `body_size` set), and its origin
// model's heads are shared ones (shared_head.h): an object keeps a pointer and its numbers.
//
//   ResponseRef r = MakeStoredResponse({200, {{"ETag", "\"v1\""}}}, MakeBody("hello"), {});
//   r->body_size;   // 5
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "boost/smart_ptr/intrusive_ptr.hpp"
#include "boost/smart_ptr/intrusive_ref_counter.hpp"
#include "core/recycled_memory.h"
#include "core/shared_head.h"
#include "policy/http_message.h"

namespace edgesim::core {

using BodyRef = std::shared_ptr<const std::string>;

BodyRef MakeBody(std::string bytes);

// How the object may be used once it is no longer fresh: fixed when it is stored, from the
// TtlDecision (policy/ttl.h). A 304 refresh keeps them, as CloudFront keeps the stored headers
// (SPEC 3.4).
struct StorageTerms {
  // SPEC 3.6: serve stale while refreshing, for this long after expiry.
  absl::Duration stale_while_revalidate = absl::ZeroDuration();
  // SPEC 3.6 `stale-if-error`; absent: SPEC 3.5's default (stale for ErrorCachingMinTTL).
  absl::optional<absl::Duration> stale_if_error;
  // Stored, but every request still goes to the origin (TTL 0 with validators, Vary: *).
  bool forward_every_request = false;
  // Revalidate without conditional headers (Vary: * with MinTTL 0, SPEC 3.4).
  bool unconditional_revalidation = false;
  // A cached 4xx/5xx (SPEC 3.5): served as an Error, never revalidated.
  bool is_error = false;
  // How long after expiry the store may still keep the object for revalidation and
  // stale-on-error; after that it is reclaimed (lazily or by the sweep).
  absl::Duration retain_after_expiry = absl::Hours(24);

  bool operator==(const StorageTerms&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const StorageTerms& t) {
    return H::combine(std::move(h), t.stale_while_revalidate, t.stale_if_error,
                      t.forward_every_request, t.unconditional_revalidation, t.is_error,
                      t.retain_after_expiry);
  }
};

// The head a cache keeps: status and headers, shared or whole (shared_head.h).
struct StoredHead {
  StoredHeaders headers;

  int status() const { return headers.status(); }
  // Status and headers, the shared ones rendered.
  const policy::Response& whole() const { return headers.whole(); }
};

// What a stored object is charged for its own bookkeeping on top of its body and header strings
// (DESIGN 4): a fixed figure, the size this struct once had, so that its layout can shrink
// without moving any capacity, eviction or report.
inline constexpr uint64_t kStoredResponseCharge = 128;

struct StoredResponse : boost::intrusive_ref_counter<StoredResponse> {
  StoredResponse(StoredHead h, const StorageTerms& terms);
  ~StoredResponse();
  StoredResponse(const StoredResponse&) = delete;
  StoredResponse& operator=(const StoredResponse&) = delete;

  const StorageTerms& terms() const { return *terms_; }

 private:
  // In the refcount's tail padding: the response is 72 bytes, not the 128 it was with the terms
  // inline (kStoredResponseCharge).
  bool owns_terms_ = false;
  // Objects share one immutable copy of each distinct value (a cache's terms are few: its
  // behaviors' stale windows and flags); past a bound on distinct values (origins choosing their
  // own stale windows), an object keeps its own.
  const StorageTerms* terms_;

 public:
  // Ordered so that a hit's reads (the refcount, terms, size) share the first cache line.
  uint64_t body_size = 0;
  BodyRef body;  // null when only the size is modelled
  // Status and the headers CloudFront keeps (Set-Cookie only when cookies are forwarded).
  StoredHead head;

  // From the thread's recycled blocks: a full cache frees one response per object it admits.
  static void* operator new(size_t bytes) { return AllocateRecycled(bytes); }
  static void operator delete(void* p, size_t bytes) { FreeRecycled(p, bytes); }

  absl::string_view body_view() const { return body ? absl::string_view(*body) : ""; }
  // Bytes this object costs a cache: kStoredResponseCharge, the header strings (as a whole
  // head's, shared or not) and the body.
  uint64_t ByteSize() const;
};

using ResponseRef = boost::intrusive_ptr<const StoredResponse>;

// `body_size` defaults to the body's length.
ResponseRef MakeStoredResponse(StoredHead head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size = absl::nullopt);
// A whole head.
ResponseRef MakeStoredResponse(policy::Response head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size = absl::nullopt);

}  // namespace edgesim::core
