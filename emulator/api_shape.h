// api_shape.h — small pieces of CloudFront's "shape JSON" (control_plane.h) that every answer
// shares: timestamps, Quantity/Items lists, and Marker/MaxItems pagination (API 1.4).
//
//   ApiTime(now);                                   // "2026-12-04T18:00:00.000Z"
//   QuantityList({"a", "b"});                       // {"Quantity": 2, "Items": ["a", "b"]}
//   CheckQuantities(config, "DistributionConfig");  // InconsistentQuantities, or OK
//   absl::StatusOr<ListPage> page = Paginate(ids, marker, max_items);
//   nlohmann::json list = page->ToJson(items_of_the_page);   // Marker, MaxItems, IsTruncated, ...
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace edgesim::emulator {

// RFC 3339 in UTC with milliseconds, as CloudFront writes timestamps.
std::string ApiTime(absl::Time t);

// {"Quantity": n, "Items": items}; an empty list has no Items (API 1.1).
nlohmann::json QuantityList(nlohmann::json items);

// InconsistentQuantities ("The specified quantity of Aliases (1) does not match the actual
// quantity supplied (2).", CloudFront's words, API 1.6) for the first object under `shape` whose
// integer Quantity differs from the size of its Items (absent Items: 0), named by its member name
// (`root` itself when it is the list). Every Quantity in CloudFront's shapes counts an
// Items list. Other type errors are left to the shape's own validation.
absl::Status CheckQuantities(const nlohmann::json& shape, absl::string_view root);

// One page of a list whose items are named by ids, in list order.
struct ListPage {
  std::string marker;  // as asked ("" from the start)
  int max_items = 0;
  size_t begin = 0;  // the page is ids[begin, end)
  size_t end = 0;
  bool truncated = false;
  std::string next_marker;  // the last id on the page, when truncated

  // Marker, NextMarker (only when truncated), MaxItems, IsTruncated, Quantity and Items (omitted
  // when empty). `items` are the page's.
  nlohmann::json ToJson(nlohmann::json items) const;
};

// The page after `marker` (an id of `ids`; "" for the first page) of at most `max_items`.
// InvalidArgument for a marker that names no item. REQUIRES: max_items >= 0.
absl::StatusOr<ListPage> Paginate(const std::vector<std::string>& ids, absl::string_view marker,
                                  int max_items);

}  // namespace edgesim::emulator
