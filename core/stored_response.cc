#include "core/stored_response.h"

#include <utility>

namespace edgesim::core {

BodyRef MakeBody(std::string bytes) { return std::make_shared<const std::string>(std::move(bytes)); }

uint64_t StoredResponse::ByteSize() const {
  return sizeof(StoredResponse) + body_size + head.headers.ByteCharge();
}

ResponseRef MakeStoredResponse(StoredHead head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size) {
  auto* r = new StoredResponse(std::move(head));
  r->body_size = body_size.value_or(body ? body->size() : 0);
  r->body = std::move(body);
  r->terms = terms;
  return ResponseRef(r);
}

ResponseRef MakeStoredResponse(policy::Response head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size) {
  return MakeStoredResponse(StoredHead{StoredHeaders(std::move(head))}, std::move(body), terms,
                            body_size);
}

}  // namespace edgesim::core
