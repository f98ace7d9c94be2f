#include "core/eviction.h"

#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/queue_eviction.h"
#include "core/s3fifo_eviction.h"
#include "core/sieve_eviction.h"

namespace edgesim::core {
namespace {

struct PolicyEntry {
  absl::string_view name;
  std::unique_ptr<EvictionPolicy> (*make)(uint64_t capacity_bytes);
};

// Only policies that size queues from the budget take it.
template <typename Policy>
std::unique_ptr<EvictionPolicy> Make(uint64_t capacity_bytes) {
  if constexpr (std::is_constructible_v<Policy, uint64_t>) {
    return std::make_unique<Policy>(capacity_bytes);
  } else {
    return std::make_unique<Policy>();
  }
}

// The one table of policies: no registry (STYLE 7, item 2).
constexpr PolicyEntry kPolicies[] = {
    {"fifo", &Make<FifoEviction>},
    {"lru", &Make<LruEviction>},
    {"sieve", &Make<SieveEviction>},
    {"s3fifo", &Make<S3FifoEviction>},
};

}  // namespace

absl::StatusOr<std::unique_ptr<EvictionPolicy>> MakeEvictionPolicy(absl::string_view name,
                                                                   uint64_t capacity_bytes) {
  for (const PolicyEntry& entry : kPolicies) {
    if (entry.name == name) return entry.make(capacity_bytes);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown eviction policy \"", name, "\"; known: ",
                                                 absl::StrJoin(EvictionPolicyNames(), ", ")));
}

const std::vector<absl::string_view>& EvictionPolicyNames() {
  static const auto* const names = [] {
    auto* list = new std::vector<absl::string_view>;
    for (const PolicyEntry& entry : kPolicies) list->push_back(entry.name);
    return list;
  }();
  return *names;
}

}  // namespace edgesim::core
