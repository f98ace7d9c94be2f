// error_page.h — CustomErrorResponses' ResponsePagePath (SPEC 7.4): an error answer replaced by
// the page it names, fetched through the behavior the page's own path matches. The request
// pipeline (request_pipeline.h) applies it to every driver's requests.
//
//   if (const policy::CustomErrorResponse* custom = ErrorPageFor(config, answer)) {
//     SubstituteErrorPage(answer, network.Handle(pop, ErrorPageRequest(viewer,
//                         custom->response_page_path), now, origin, RequestRole::kOnBehalf),
//                         *custom);
//   }   // answer: the page's body with ResponseCode (e.g. 200); the outcome stays Error
#pragma once

#include <string>

#include "core/edge_cache.h"
#include "policy/distribution.h"
#include "policy/http_message.h"

namespace edgesim::core {

// The custom error response whose page replaces `r`, or nullptr: `r` is not an Error, or its
// status has no CustomErrorResponse with a ResponsePagePath.
const policy::CustomErrorResponse* ErrorPageFor(const policy::DistributionConfig& config,
                                                const EdgeResult& r);

// The page goes through the behavior its own path matches, with the viewer's headers (so its
// cache key varies as the viewer's would); HEAD stays HEAD.
policy::Request ErrorPageRequest(const policy::Request& viewer, const std::string& page_path);

// The page's body and headers with the ResponseCode; the outcome (so X-Cache) stays Error, as
// CloudFront logs it. A page that is itself an error leaves the original error as it was.
void SubstituteErrorPage(EdgeResult& error, EdgeResult page,
                         const policy::CustomErrorResponse& custom);

}  // namespace edgesim::core
