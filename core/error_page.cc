#include "core/error_page.h"

#include <utility>


namespace edgesim::core {

const policy::CustomErrorResponse* ErrorPageFor(const policy::DistributionConfig& config,
                                                const EdgeResult& r) {
  if (r.outcome != policy::CacheOutcome::kError) return nullptr;
  const policy::CustomErrorResponse* custom = config.FindCustomErrorResponse(r.viewer.status);
  return custom != nullptr && !custom->response_page_path.empty() ? custom : nullptr;
}

policy::Request ErrorPageRequest(const policy::Request& viewer, const std::string& page_path) {
  policy::Request page;
  page.method = viewer.method == "HEAD" ? "HEAD" : "GET";
  page.target = page_path;
  page.headers = viewer.headers;
  page.http_minor_version = viewer.http_minor_version;
  return page;
}

void SubstituteErrorPage(EdgeResult& error, EdgeResult page,
                         const policy::CustomErrorResponse& custom) {
  const int page_status = page.viewer.status;
  if (page_status != 200 && page_status != 304) return;
  error.error_page_replaced_status = error.viewer.status;
  error.viewer = std::move(page.viewer);
  error.viewer.status =
      page_status == 304 ? 304 : custom.response_code.value_or(error.viewer.status);
  error.stored = std::move(page.stored);
  error.body = std::move(page.body);
  error.body_size = page.body_size;
  error.truncated = page.truncated;  // the page's framing now, whatever the error's was
  error.age = page.age;
  if (!error.background_refresh) error.background_refresh = std::move(page.background_refresh);
}

}  // namespace edgesim::core
