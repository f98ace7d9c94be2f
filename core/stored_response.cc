#include "core/stored_response.h"

#include <utility>

namespace edgesim::core {

BodyRef MakeBody(std::string bytes) { return std::make_shared<const std::string>(std::move(bytes)); }

uint64_t StoredResponse::ByteSize() const {
  uint64_t bytes = sizeof(StoredResponse) + body_size;
  for (const auto& [name, value] : head.headers.fields()) {
    bytes += sizeof(policy::Headers::Field) + name.size() + value.size();
  }
  return bytes;
}

ResponseRef MakeStoredResponse(policy::Response head, BodyRef body, StorageTerms terms,
                               absl::optional<uint64_t> body_size) {
  auto* r = new StoredResponse();
  r->head = std::move(head);
  r->body_size = body_size.value_or(body ? body->size() : 0);
  r->body = std::move(body);
  r->terms = terms;
  return ResponseRef(r);
}

}  // namespace edgesim::core
