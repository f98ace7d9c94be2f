#include "core/stored_response.h"

#include <memory>
#include <mutex>
#include <utility>

#include "absl/container/node_hash_set.h"

namespace edgesim::core {

BodyRef MakeBody(std::string bytes) { return std::make_shared<const std::string>(std::move(bytes)); }

namespace {

// Distinct terms kept for sharing, at most: a few KiB for good, however many objects share them.
constexpr size_t kMaxSharedTerms = 1024;

// The shared copy of `terms`, or null when kMaxSharedTerms other values are shared already. A
// thread's last answer is checked first, so a cache storing objects of one behavior takes no lock.
const StorageTerms* SharedTerms(const StorageTerms& terms) {
  thread_local const StorageTerms* last = nullptr;
  if (last != nullptr && *last == terms) return last;
  static std::mutex mu;
  static auto* shared = new absl::node_hash_set<StorageTerms>();  // never destroyed
  std::lock_guard<std::mutex> lock(mu);
  auto it = shared->find(terms);
  if (it == shared->end()) {
    if (shared->size() >= kMaxSharedTerms) return nullptr;
    it = shared->insert(terms).first;
  }
  last = &*it;
  return last;
}

}  // namespace

StoredResponse::StoredResponse(StoredHead h, const StorageTerms& terms)
    : terms_(SharedTerms(terms)), head(std::move(h)) {
  if (terms_ == nullptr) {
    terms_ = new StorageTerms(terms);
    owns_terms_ = true;
  }
}

StoredResponse::~StoredResponse() {
  if (owns_terms_) delete terms_;
}

uint64_t StoredResponse::ByteSize() const {
  return kStoredResponseCharge + body_size + head.headers.ByteCharge();
}

ResponseRef MakeStoredResponse(StoredHead head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size) {
  auto* r = new StoredResponse(std::move(head), terms);
  r->body_size = body_size.value_or(body ? body->size() : 0);
  r->body = std::move(body);
  return ResponseRef(r);
}

ResponseRef MakeStoredResponse(policy::Response head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size) {
  return MakeStoredResponse(StoredHead{StoredHeaders(std::move(head))}, std::move(body), terms,
                            body_size);
}

}  // namespace edgesim::core
