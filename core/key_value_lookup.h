// key_value_lookup.h — what a CloudFront Function's cloudfront.kvs() reads (SPEC 15.8): a
// read-only view of the key value stores, by store Id. The runtime never sees where the stores
// live; `edgesim serve` implements this over its control plane's state, tests over a map.
//
//   class Stores : public KeyValueLookup { ... };
//   limits.key_values = &stores;                   // FunctionRuntimeLimits
//   code.key_value_store_id = "a1b2...";           // the function's associated store
//   // in the function: await cf.kvs().get('home') -> stores.Get("a1b2...", "home")
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace edgesim::core {

// What kvs().meta() answers (SPEC 15.8).
struct KeyValueStoreMeta {
  absl::Time created;
  absl::Time last_updated;
  size_t key_count = 0;
};

class KeyValueLookup {
 public:
  virtual ~KeyValueLookup() = default;
  // The value of `key` in the store `store_id`; nullopt when the store or the key does not exist.
  // Called from any thread running functions.
  virtual std::optional<std::string> Get(absl::string_view store_id,
                                         absl::string_view key) const = 0;
  // nullopt when the store does not exist.
  virtual std::optional<KeyValueStoreMeta> Meta(absl::string_view store_id) const = 0;
};

}  // namespace edgesim::core
