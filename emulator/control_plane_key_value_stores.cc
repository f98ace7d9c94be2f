// Key value stores' control plane (API 1.11): stores named by their Name, with an Id (a UUID) in
// their ARN, a Comment (the one member Update changes) and the ImportSource given at creation,
// kept for when the data plane reads it. Functions associate a store by its ARN
// (control_plane_functions.cc), and an associated store cannot be deleted.
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/s3_object_reader.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// The model's KeyValueStoreComment: at most 128 characters.
constexpr size_t kMaxKeyValueStoreComment = 128;

// KeyValueStore.Status: the data is read at once here, so a store is READY from its creation, or
// FAILED when its import failed (UNCONFIRMED, API 1.11).
constexpr absl::string_view kReady = "READY";
constexpr absl::string_view kImportFailed = "FAILED";

json View(const ControlPlaneState& s, const KeyValueStoreRecord& r) {
  return {{"Name", r.id},
          {"Id", r.uuid},
          {"Comment", r.comment},
          {"ARN", KeyValueStoreArn(s, r)},
          {"Status", r.status},
          {"LastModifiedTime", ApiTime(r.last_modified)}};
}

absl::StatusOr<std::string> CommentOf(const json& request) {
  const json comment = request.value("Comment", json(""));
  if (!comment.is_string() || comment.get_ref<const std::string&>().size() >
                                  kMaxKeyValueStoreComment) {
    return MakeApiError("InvalidArgument", absl::StrCat("Comment must be at most ",
                                                        kMaxKeyValueStoreComment,
                                                        " characters."));
  }
  return comment.get<std::string>();
}

// ImportSource {SourceType "S3", SourceARN an S3 ARN}, or null without one.
absl::StatusOr<json> ImportSourceOf(const json& request) {
  const json source = request.value("ImportSource", json());
  if (source.is_null()) return source;
  const json arn = source.value("SourceARN", json());
  if (source.value("SourceType", json()) != "S3" || !arn.is_string() ||
      !absl::StartsWith(arn.get_ref<const std::string&>(), "arn:aws:s3:::")) {
    return MakeApiError("InvalidArgument",
                        "ImportSource needs SourceType S3 and the SourceARN of an S3 object.");
  }
  return source;
}

// The pairs of the import file `source` names, read from `options.s3_endpoint`: the reason it
// failed as an error.
absl::StatusOr<std::vector<policy::KeyValuePair>> Import(const ControlPlaneOptions& options,
                                                         const json& source) {
  if (options.s3_endpoint.empty()) {
    return absl::FailedPreconditionError(
        "edgesim reads import sources from its S3 endpoint (serve --s3-endpoint); none is set.");
  }
  EDGESIM_ASSIGN_OR_RETURN(
      const std::string file,
      ReadS3Object(options.s3_endpoint, source.value("SourceARN", ""),
                   options.key_value_store_limits.max_total_bytes,
                   options.s3_credentials ? &*options.s3_credentials : nullptr));
  return policy::ParseKeyValueImport(file);
}

// The record `name` names, its If-Match checked (API 1.7).
absl::StatusOr<KeyValueStoreRecord*> ChangeableStore(ControlPlaneState& s, absl::string_view name,
                                                absl::string_view if_match) {
  EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
  EDGESIM_ASSIGN_OR_RETURN(KeyValueStoreRecord * r, s.Lookup(s.key_value_stores, name));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  return r;
}

}  // namespace

std::string KeyValueStoreArn(const ControlPlaneState& s, const KeyValueStoreRecord& r) {
  return absl::StrCat("arn:aws:cloudfront::", s.options.account_id, ":key-value-store/", r.uuid);
}

absl::StatusOr<Versioned> ControlPlane::CreateKeyValueStore(const json& request,
                                                            absl::Time now) {
  ControlPlaneState& s = *state_;
  const std::string name = request.value("Name", "");
  EDGESIM_RETURN_IF_ERROR(CheckEntityName(name, "key value store"));
  EDGESIM_ASSIGN_OR_RETURN(std::string comment, CommentOf(request));
  EDGESIM_ASSIGN_OR_RETURN(json import_source, ImportSourceOf(request));
  // Read before the lock: the S3 endpoint may be slow.
  absl::StatusOr<std::vector<policy::KeyValuePair>> imported = std::vector<policy::KeyValuePair>{};
  if (!import_source.is_null()) imported = Import(s.options, import_source);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.Find(s.key_value_stores, name) != nullptr) {
    return MakeApiError("EntityAlreadyExists",
                        absl::StrCat("A key value store named \"", name, "\" already exists."));
  }
  if (s.key_value_stores.size() >= s.options.max_key_value_stores) {
    return MakeApiError("EntityLimitExceeded",
                        absl::StrCat("An account can have at most ",
                                     s.options.max_key_value_stores, " key value stores."));
  }
  s.key_value_stores.push_back({name, s.ids.CachePolicyId(), std::move(comment),
                                std::move(import_source), s.NewETag(""), now});
  KeyValueStoreRecord& created = s.key_value_stores.back();
  created.data_etag = s.NewETag("");
  created.created = now;
  created.data_modified = now;
  created.status = std::string(kReady);
  absl::Status import_status = imported.status();
  if (import_status.ok()) {
    import_status = created.data.Update(*imported, {}, s.options.key_value_store_limits);
  }
  if (!import_status.ok()) {
    created.status = std::string(kImportFailed);
    created.failure_reason = std::string(import_status.message());
  }
  const KeyValueStoreRecord& r = s.key_value_stores.back();
  return Versioned{View(s, r), r.etag};
}

absl::StatusOr<Versioned> ControlPlane::DescribeKeyValueStore(absl::string_view name) const {
  ControlPlaneState& s = *state_;
  return s.Read(s.key_value_stores, name,
                [&s](const KeyValueStoreRecord& r) { return View(s, r); });
}

absl::StatusOr<Versioned> ControlPlane::UpdateKeyValueStore(absl::string_view name,
                                                            const json& request,
                                                            absl::string_view if_match,
                                                            absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(KeyValueStoreRecord * r, ChangeableStore(s, name, if_match));
  EDGESIM_ASSIGN_OR_RETURN(r->comment, CommentOf(request));
  r->etag = s.NewETag(r->etag);
  r->last_modified = now;
  return Versioned{View(s, *r), r->etag};
}

absl::Status ControlPlane::DeleteKeyValueStore(absl::string_view name,
                                               absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(KeyValueStoreRecord * r, ChangeableStore(s, name, if_match));
  const std::string arn = KeyValueStoreArn(s, *r);
  for (const FunctionRecord& f : s.functions) {
    for (const FunctionStage* stage : {&f.development, f.live ? &*f.live : nullptr}) {
      if (stage == nullptr) continue;
      const json items = stage->config.value("KeyValueStoreAssociations", json::object())
                             .value("Items", json::array());
      for (const json& item : items) {
        if (item.value("KeyValueStoreARN", json()) != arn) continue;
        return MakeApiError("CannotDeleteEntityWhileInUse",
                            absl::StrCat("The key value store is associated with the function ",
                                         f.id, "."));
      }
    }
  }
  s.key_value_stores.erase(s.key_value_stores.begin() + (r - s.key_value_stores.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListKeyValueStores(absl::string_view marker,
                                                      int max_items) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<std::string> names;
  for (const KeyValueStoreRecord& r : s.key_value_stores) names.push_back(r.id);
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(names, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) items.push_back(View(s, s.key_value_stores[i]));
  return page.ToJson(std::move(items));
}

}  // namespace edgesim::emulator
