// key_value_store.h — the data of one CloudFront KeyValueStore and its limits (SPEC 15.8): keys
// and values as the data plane (PutKey, DeleteKey, UpdateKeys) and the S3 import file change them.
//
//   KeyValueStoreData data;
//   absl::Status s = data.Update({{"home", "/index.html"}}, {}, {});   // all or nothing
//   const std::string* v = data.Find("home");                          // "/index.html"
//   data.total_bytes();                                               // 4 + 11
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace edgesim::policy {

struct KeyValueStoreLimits {
  // Characters of a key and of a value, and bytes of a whole store: the quotas CloudFront
  // documents for the import file, which edgesim applies to every write (SPEC 15.8).
  size_t max_key_chars = 512;
  size_t max_value_chars = 1024;
  size_t max_total_bytes = 5 * 1024 * 1024;
};

struct KeyValuePair {
  std::string key;
  std::string value;
};

class KeyValueStoreData {
 public:
  // Puts every pair of `puts` and removes every key of `deletes`, or changes nothing:
  // InvalidArgument for an empty or oversized key, an oversized value, a key named twice, or a delete of a
  // key the store does not hold; ResourceExhausted when the store would pass max_total_bytes.
  absl::Status Update(const std::vector<KeyValuePair>& puts,
                      const std::vector<std::string>& deletes, const KeyValueStoreLimits& limits);

  // The value of `key`, or null.
  const std::string* Find(absl::string_view key) const;
  // Keys in ascending byte order, as ListKeys pages them.
  const std::map<std::string, std::string, std::less<>>& items() const { return items_; }
  size_t item_count() const { return items_.size(); }
  // TotalSizeInBytes: the bytes of every key and value (SPEC 15.8, UNCONFIRMED).
  size_t total_bytes() const { return total_bytes_; }

 private:
  std::map<std::string, std::string, std::less<>> items_;
  size_t total_bytes_ = 0;
};

// The pairs of an import file, {"data": [{"key": ..., "value": ...}, ...]} in UTF-8 (SPEC 15.8):
// InvalidArgument for text that is not that shape, and for duplicate keys.
absl::StatusOr<std::vector<KeyValuePair>> ParseKeyValueImport(absl::string_view json_text);

}  // namespace edgesim::policy
