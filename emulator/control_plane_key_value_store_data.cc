// Key value stores' data plane (API 1.12): the cloudfront-keyvaluestore service's operations on
// the keys of a store named by its ARN, kept in the control plane's record of that store (one
// source of truth: deleting the store deletes its data), and the read-only view functions get.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// ListKeysRequestMaxResultsInteger: 1 to 50; without one, 50 (UNCONFIRMED, API 1.12).
constexpr int kMaxListKeys = 50;

// The store whose ARN is `arn`, or ResourceNotFoundException.
absl::StatusOr<KeyValueStoreRecord*> StoreByArn(ControlPlaneState& s, absl::string_view arn) {
  for (KeyValueStoreRecord& r : s.key_value_stores) {
    if (KeyValueStoreArn(s, r) == arn) return &r;
  }
  return MakeApiError("ResourceNotFoundException",
                      absl::StrCat("The key value store ", arn, " does not exist."));
}

json Counts(const KeyValueStoreRecord& r) {
  return {{"ItemCount", r.data.item_count()}, {"TotalSizeInBytes", r.data.total_bytes()}};
}

// The data plane's codes for what policy's KeyValueStoreData refuses.
absl::Status DataPlaneError(const absl::Status& status) {
  return MakeApiError(absl::IsResourceExhausted(status) ? "ServiceQuotaExceededException"
                                                        : "ValidationException",
                      status.message());
}

// Reads functions' stores under the control plane's lock, by store Id (the UUID of the ARN).
class StateKeyValueLookup : public core::KeyValueLookup {
 public:
  explicit StateKeyValueLookup(ControlPlaneState& s) : s_(s) {}

  std::optional<std::string> Get(absl::string_view store_id,
                                 absl::string_view key) const override {
    std::lock_guard<std::mutex> lock(s_.mu);
    const KeyValueStoreRecord* r = ById(store_id);
    const std::string* value = r != nullptr ? r->data.Find(key) : nullptr;
    if (value == nullptr) return std::nullopt;
    return *value;
  }

  std::optional<core::KeyValueStoreMeta> Meta(absl::string_view store_id) const override {
    std::lock_guard<std::mutex> lock(s_.mu);
    const KeyValueStoreRecord* r = ById(store_id);
    if (r == nullptr) return std::nullopt;
    return core::KeyValueStoreMeta{r->created, r->data_modified, r->data.item_count()};
  }

 private:
  const KeyValueStoreRecord* ById(absl::string_view store_id) const {
    for (const KeyValueStoreRecord& r : s_.key_value_stores) {
      if (r.uuid == store_id) return &r;
    }
    return nullptr;
  }

  ControlPlaneState& s_;
};

}  // namespace

absl::StatusOr<Versioned> ControlPlane::DescribeKeyValueStoreData(absl::string_view arn) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const KeyValueStoreRecord* r, StoreByArn(s, arn));
  json body = Counts(*r);
  body["KvsARN"] = std::string(arn);
  body["Created"] = absl::ToUnixSeconds(r->created);
  body["LastModified"] = absl::ToUnixSeconds(r->data_modified);
  body["Status"] = r->status;
  if (!r->failure_reason.empty()) body["FailureReason"] = r->failure_reason;
  return Versioned{std::move(body), r->data_etag};
}

absl::StatusOr<json> ControlPlane::GetKey(absl::string_view arn, absl::string_view key) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const KeyValueStoreRecord* r, StoreByArn(s, arn));
  const std::string* value = r->data.Find(key);
  if (value == nullptr) {
    return MakeApiError("ResourceNotFoundException",
                        absl::StrCat("The key ", key, " does not exist."));
  }
  json body = Counts(*r);
  body["Key"] = std::string(key);
  body["Value"] = *value;
  return body;
}

// NextToken is the next key, base64url-encoded so that callers treat it as opaque.
absl::StatusOr<json> ControlPlane::ListKeys(absl::string_view arn, absl::string_view next_token,
                                            int max_results) const {
  if (max_results < 0 || max_results > kMaxListKeys) {
    return MakeApiError("ValidationException",
                        absl::StrCat("MaxResults must be 1 to ", kMaxListKeys, "."));
  }
  std::string start;
  if (!next_token.empty() && !absl::WebSafeBase64Unescape(next_token, &start)) {
    return MakeApiError("ValidationException", "The NextToken is not valid.");
  }
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const KeyValueStoreRecord* r, StoreByArn(s, arn));
  const int limit = max_results == 0 ? kMaxListKeys : max_results;
  json items = json::array();
  auto it = r->data.items().lower_bound(start);
  for (; it != r->data.items().end() && static_cast<int>(items.size()) < limit; ++it) {
    items.push_back({{"Key", it->first}, {"Value", it->second}});
  }
  json body = {{"Items", std::move(items)}};
  if (it != r->data.items().end()) body["NextToken"] = absl::WebSafeBase64Escape(it->first);
  return body;
}

absl::StatusOr<Versioned> ControlPlane::UpdateKeys(absl::string_view arn,
                                                   const std::vector<policy::KeyValuePair>& puts,
                                                   const std::vector<std::string>& deletes,
                                                   absl::string_view if_match, absl::Time now) {
  if (if_match.empty()) return MakeApiError("ValidationException", "If-Match is required.");
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(KeyValueStoreRecord * r, StoreByArn(s, arn));
  if (if_match != r->data_etag) {
    return MakeApiError("ConflictException",
                        "The If-Match ETag is not the key value store's current version.");
  }
  if (absl::Status status = r->data.Update(puts, deletes, s.options.key_value_store_limits);
      !status.ok()) {
    return DataPlaneError(status);
  }
  r->data_etag = s.NewETag(r->data_etag);
  r->data_modified = now;
  return Versioned{Counts(*r), r->data_etag};
}

std::unique_ptr<core::KeyValueLookup> ControlPlane::KeyValueLookupView() const {
  return std::make_unique<StateKeyValueLookup>(*state_);
}

}  // namespace edgesim::emulator
