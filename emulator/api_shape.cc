#include "emulator/api_shape.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {

std::string ApiTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

nlohmann::json QuantityList(nlohmann::json items) {
  nlohmann::json list = {{"Quantity", items.size()}};
  if (!items.empty()) list["Items"] = std::move(items);
  return list;
}

absl::Status CheckQuantities(const nlohmann::json& shape, absl::string_view root) {
  if (shape.is_array()) {
    for (size_t i = 0; i < shape.size(); ++i) {
      EDGESIM_RETURN_IF_ERROR(CheckQuantities(shape[i], absl::StrCat(root, "[", i, "]")));
    }
    return absl::OkStatus();
  }
  if (!shape.is_object()) return absl::OkStatus();
  const auto quantity = shape.find("Quantity");
  const auto items = shape.find("Items");
  if (quantity != shape.end() && quantity->is_number_integer()) {
    const size_t size = items != shape.end() && items->is_array() ? items->size() : 0;
    if (quantity->get<int64_t>() != static_cast<int64_t>(size)) {
      // CloudFront names the list by its member name alone ("Aliases", "Paths").
      const absl::string_view list = root.substr(root.rfind('.') + 1);
      return MakeApiError(
          "InconsistentQuantities",
          absl::StrCat("The specified quantity of ", list, " (", quantity->dump(),
                       ") does not match the actual quantity supplied (", size, ")."));
    }
  }
  for (const auto& [key, value] : shape.items()) {
    EDGESIM_RETURN_IF_ERROR(CheckQuantities(value, absl::StrCat(root, ".", key)));
  }
  return absl::OkStatus();
}

nlohmann::json ListPage::ToJson(nlohmann::json items) const {
  nlohmann::json list = QuantityList(std::move(items));
  list["Marker"] = marker;
  list["MaxItems"] = max_items;
  list["IsTruncated"] = truncated;
  if (truncated) list["NextMarker"] = next_marker;
  return list;
}

absl::StatusOr<ListPage> Paginate(const std::vector<std::string>& ids, absl::string_view marker,
                                  int max_items) {
  ListPage page;
  page.marker = std::string(marker);
  page.max_items = max_items;
  if (!marker.empty()) {
    const auto it = std::find(ids.begin(), ids.end(), marker);
    if (it == ids.end()) {
      return MakeApiError("InvalidArgument",
                          absl::StrCat("The Marker \"", marker, "\" names no item of this list."));
    }
    page.begin = static_cast<size_t>(it - ids.begin()) + 1;
  }
  page.end = page.begin + std::min(ids.size() - page.begin, static_cast<size_t>(max_items));
  page.truncated = page.end < ids.size();
  // A page of 0 items (MaxItems 0) resumes where it was asked to.
  if (page.truncated) page.next_marker = page.end > page.begin ? ids[page.end - 1] : page.marker;
  return page;
}

}  // namespace edgesim::emulator
