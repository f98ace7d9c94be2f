#include "policy/key_value_store.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace edgesim::policy {
namespace {

// Characters of UTF-8 text: every byte but the continuation bytes (10xxxxxx).
size_t Utf8Chars(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

absl::Status CheckPair(absl::string_view key, const std::string* value,
                       const KeyValueStoreLimits& limits) {
  if (key.empty() || Utf8Chars(key) > limits.max_key_chars) {
    return absl::InvalidArgumentError(absl::StrCat("A key must have 1 to ", limits.max_key_chars,
                                                   " characters."));
  }
  if (value != nullptr && Utf8Chars(*value) > limits.max_value_chars) {
    return absl::InvalidArgumentError(absl::StrCat(
        "The value of key ", key, " must have at most ", limits.max_value_chars, " characters."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status KeyValueStoreData::Update(const std::vector<KeyValuePair>& puts,
                                       const std::vector<std::string>& deletes,
                                       const KeyValueStoreLimits& limits) {
  std::set<absl::string_view> named;
  size_t total = total_bytes_;
  for (const KeyValuePair& put : puts) {
    if (absl::Status s = CheckPair(put.key, &put.value, limits); !s.ok()) return s;
    if (!named.insert(put.key).second) {
      return absl::InvalidArgumentError(absl::StrCat("The key ", put.key, " is named twice."));
    }
    const std::string* old = Find(put.key);
    total = old != nullptr ? total - old->size() + put.value.size()
                           : total + put.key.size() + put.value.size();
  }
  for (const std::string& key : deletes) {
    if (absl::Status s = CheckPair(key, nullptr, limits); !s.ok()) return s;
    if (!named.insert(key).second) {
      return absl::InvalidArgumentError(absl::StrCat("The key ", key, " is named twice."));
    }
    const std::string* old = Find(key);
    if (old == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("The key ", key, " does not exist."));
    }
    total -= key.size() + old->size();
  }
  if (total > limits.max_total_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "A key value store holds at most ", limits.max_total_bytes, " bytes of keys and values."));
  }
  for (const KeyValuePair& put : puts) items_.insert_or_assign(put.key, put.value);
  for (const std::string& key : deletes) items_.erase(key);
  total_bytes_ = total;
  return absl::OkStatus();
}

const std::string* KeyValueStoreData::Find(absl::string_view key) const {
  const auto it = items_.find(key);
  return it != items_.end() ? &it->second : nullptr;
}

absl::StatusOr<std::vector<KeyValuePair>> ParseKeyValueImport(absl::string_view json_text) {
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  const auto bad = [](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("The import file is not valid: ", why));
  };
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
    return bad("it must be a JSON object whose \"data\" is an array.");
  }
  std::vector<KeyValuePair> pairs;
  std::set<std::string> keys;
  for (const nlohmann::json& item : doc["data"]) {
    if (!item.is_object() || !item.contains("key") || !item["key"].is_string() ||
        !item.contains("value") || !item["value"].is_string()) {
      return bad("each item needs a string \"key\" and a string \"value\".");
    }
    KeyValuePair pair{item["key"].get<std::string>(), item["value"].get<std::string>()};
    if (!keys.insert(pair.key).second) return bad(absl::StrCat("duplicate key ", pair.key, "."));
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

}  // namespace edgesim::policy
