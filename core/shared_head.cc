#include "core/shared_head.h"

#include <utility>

namespace edgesim::core {
namespace {

// The slot a field's value names, or 0.
int SlotOf(absl::string_view value) {
  return value.size() == 1 && value[0] >= 1 && value[0] <= kMaxSlot ? value[0] : 0;
}

const SharedHead* Retained(SharedHeadRef head) { return head.detach(); }

// A field's value as the viewer sees it: a slot's rendered for the object, any other as it is.
std::string ValueFor(const SharedHead& head, absl::string_view value,
                     const ObjectNumbers& numbers) {
  const int slot = head.renderer != nullptr ? SlotOf(value) : 0;
  return slot == 0 ? std::string(value) : head.renderer->Value(slot, numbers);
}

}  // namespace

std::string SlotValue(int slot) { return std::string(1, static_cast<char>(slot)); }

SharedHeadRef MakeSharedHead(policy::Response head, std::shared_ptr<const HeadRenderer> renderer) {
  auto* shared = new SharedHead();
  for (const auto& [name, value] : head.headers.fields()) {
    const int slot = renderer != nullptr ? SlotOf(value) : 0;
    shared->fixed_charge += sizeof(policy::Headers::Field) + name.size();
    if (slot == 0) {
      shared->fixed_charge += value.size();
    } else {
      shared->slots |= 1u << slot;
    }
  }
  shared->head = std::move(head);
  if (shared->slots != 0) shared->renderer = std::move(renderer);
  return SharedHeadRef(shared);
}

StoredHeaders::StoredHeaders(policy::Response whole)
    : head_(Retained(MakeSharedHead(std::move(whole)))) {}

StoredHeaders::StoredHeaders(SharedHeadRef shared, const ObjectNumbers& numbers)
    : head_(Retained(std::move(shared))), numbers_(numbers) {}

StoredHeaders::StoredHeaders(const StoredHeaders& other) : head_(nullptr), numbers_(other.numbers_) {
  Reset(other.Current());
}

StoredHeaders& StoredHeaders::operator=(const StoredHeaders& other) {
  if (this != &other) {
    Reset(other.Current());
    numbers_ = other.numbers_;
  }
  return *this;
}

StoredHeaders::StoredHeaders(StoredHeaders&& other) noexcept
    : head_(other.head_.exchange(nullptr, std::memory_order_acq_rel)), numbers_(other.numbers_) {}

StoredHeaders& StoredHeaders::operator=(StoredHeaders&& other) noexcept {
  if (this != &other) {
    const SharedHead* old =
        head_.exchange(other.head_.exchange(nullptr, std::memory_order_acq_rel),
                       std::memory_order_acq_rel);
    if (old != nullptr) intrusive_ptr_release(old);
    numbers_ = other.numbers_;
  }
  return *this;
}

StoredHeaders::~StoredHeaders() { Reset(nullptr); }

void StoredHeaders::Reset(const SharedHead* head) {
  if (head != nullptr) intrusive_ptr_add_ref(head);
  const SharedHead* old = head_.exchange(head, std::memory_order_acq_rel);
  if (old != nullptr) intrusive_ptr_release(old);
}

const policy::Response& StoredHeaders::whole() const {
  const SharedHead* current = Current();
  if (current->renderer == nullptr) return current->head;
  policy::Response rendered;
  rendered.status = current->head.status;
  for (const auto& [name, value] : current->head.headers.fields()) {
    rendered.headers.Add(name, ValueFor(*current, value, numbers_));
  }
  SharedHeadRef made = MakeSharedHead(std::move(rendered));
  boost::const_pointer_cast<SharedHead>(made)->rendered_from = SharedHeadRef(current);
  const SharedHead* mine = Retained(std::move(made));
  // Another reader may have rendered first: its head stands, and this one is dropped. The
  // replaced head stays alive through the rendered one's `rendered_from`.
  if (head_.compare_exchange_strong(current, mine, std::memory_order_acq_rel)) {
    intrusive_ptr_release(mine->rendered_from.get());
    return mine->head;
  }
  intrusive_ptr_release(mine);
  return current->head;
}

absl::optional<std::string> StoredHeaders::CopyOf(absl::string_view name) const {
  const SharedHead* current = Current();
  const absl::optional<absl::string_view> value = current->head.headers.Get(name);
  if (!value) return absl::nullopt;
  return ValueFor(*current, *value, numbers_);
}

uint64_t StoredHeaders::ByteCharge() const {
  const SharedHead* current = Current();
  uint64_t charge = current->fixed_charge;
  for (int slot = 1; slot <= kMaxSlot; ++slot) {
    if (current->slots & (1u << slot)) charge += current->renderer->ValueLength(slot, numbers_);
  }
  return charge;
}

}  // namespace edgesim::core
