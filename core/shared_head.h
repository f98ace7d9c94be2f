// shared_head.h — a response head many stored objects share, and one object's head built on it.
//
// An origin whose answers differ only in a few per-object fields (the simulator's origin model:
// ETag, Last-Modified, its version header, Content-Length) answers with one head built once per
// rule and status, whose per-object fields are slots, plus the object's numbers. A cache keeps
// that pointer and the numbers instead of a header list per object (DESIGN 4), and renders the
// slots only when someone reads the headers. A head that shares nothing (every real origin's) is
// the same thing without a renderer: its one-off SharedHead is the whole head.
//
//   SharedHeadRef shared = MakeSharedHead({200, {{"ETag", SlotValue(kETagSlot)}}}, renderer);
//   StoredHeaders h(shared, {.etag_hash = 42});
//   h.Get("ETag");       // the renderer's text for 42, rendered once, on this first read
//   h.ByteCharge();      // what the rendered fields would cost, without rendering them
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "boost/smart_ptr/intrusive_ptr.hpp"
#include "boost/smart_ptr/intrusive_ref_counter.hpp"
#include "policy/http_message.h"

namespace edgesim::core {

// One object's numbers behind a shared head's slots. Narrow on purpose: with the shared head's
// pointer they take the 32 bytes a whole head took in a StoredResponse (whose size is part of
// every object's capacity charge). The origin that fills them checks that they fit.
struct ObjectNumbers {
  uint64_t etag_hash = 0;
  uint64_t content_length = 0;
  // Seconds after the origin's epoch (the renderer's).
  int32_t modified_offset = 0;
  uint32_t version = 0;
};

// Slots are fields whose value is one byte 1..kMaxSlot in the shared head: a value no origin
// sends, so KeptHead's removals and reordering (policy/response_head.h) keep them what they are.
// A slot may be only a field whose value no caching decision reads: validators, lengths, the
// origin's own fields (the TTL decision and KeptHead read the shared head as it is).
inline constexpr int kMaxSlot = 4;
std::string SlotValue(int slot);

// Renders a shared head's slots for one object: implemented by the origin that built the head.
class HeadRenderer {
 public:
  virtual ~HeadRenderer() = default;
  virtual std::string Value(int slot, const ObjectNumbers& numbers) const = 0;
  // Value(slot, numbers).size(), without building it.
  virtual size_t ValueLength(int slot, const ObjectNumbers& numbers) const = 0;
};

struct SharedHead : boost::intrusive_ref_counter<SharedHead> {
  // Slots hold SlotValue(n). Names are the rendered head's: what reads names only (the TTL
  // decision, HasValidators) may read this head as it is.
  policy::Response head;
  // Null: `head` is whole, nothing is rendered.
  std::shared_ptr<const HeadRenderer> renderer;
  // What `head`'s fields cost a cache (StoredResponse::ByteSize), slot values left out.
  uint64_t fixed_charge = 0;
  // The slots `head` has, one bit each.
  uint32_t slots = 0;
  // A rendered head keeps the head it was rendered from (a reader may still be rendering it).
  boost::intrusive_ptr<const SharedHead> rendered_from;
};

using SharedHeadRef = boost::intrusive_ptr<const SharedHead>;

SharedHeadRef MakeSharedHead(policy::Response head,
                             std::shared_ptr<const HeadRenderer> renderer = nullptr);

// One object's headers: a shared head and the object's numbers. Reads like a const
// policy::Headers; the first read of a shared head's headers renders them (once, thread-safe)
// and keeps them.
class StoredHeaders {
 public:
  explicit StoredHeaders(policy::Response whole);
  StoredHeaders(SharedHeadRef shared, const ObjectNumbers& numbers);
  StoredHeaders(const StoredHeaders& other);
  StoredHeaders& operator=(const StoredHeaders& other);
  // A moved-from StoredHeaders may only be destroyed or assigned to.
  StoredHeaders(StoredHeaders&& other) noexcept;
  StoredHeaders& operator=(StoredHeaders&& other) noexcept;
  ~StoredHeaders();

  int status() const { return Current()->head.status; }
  // The head as stored, slots unrendered: names (and the values of every other field) are the
  // rendered head's.
  const SharedHead& shared() const { return *Current(); }
  // True when the headers are shared and not yet rendered.
  bool renders() const { return Current()->renderer != nullptr; }
  const ObjectNumbers& numbers() const { return numbers_; }

  // The whole head, rendered on first read.
  const policy::Response& whole() const;
  operator const policy::Headers&() const { return whole().headers; }  // NOLINT: reads as one

  absl::optional<absl::string_view> Get(absl::string_view name) const {
    return whole().headers.Get(name);
  }
  bool Has(absl::string_view name) const { return shared().head.headers.Has(name); }

  // The first field of this name, as text, rendering no more than it (and keeping nothing): for
  // a caller that copies the value anyway (the validators a revalidation sends).
  absl::optional<std::string> CopyOf(absl::string_view name) const;

  // What the whole head's fields cost a cache, whether rendered or not.
  uint64_t ByteCharge() const;

 private:
  const SharedHead* Current() const { return head_.load(std::memory_order_acquire); }
  void Reset(const SharedHead* head);

  mutable std::atomic<const SharedHead*> head_;  // holds one reference
  ObjectNumbers numbers_;
};

}  // namespace edgesim::core
