// answer_summary.h — what a viewer finally gets, in one line of prose: the last word of
// `edgesim explain`, read off the answer the request pipeline (request_pipeline.h) gave, so the
// explanation and the edge never disagree.
//
//   EdgeResult r = pipeline->Handle(pop, policy::Request::Get("/deep/link"), now, origin);
//   SummarizeAnswer(r, distribution.config, request);
//   // "200 custom error page /index.html in place of the origin's 403 (CustomErrorResponse)"
#pragma once

#include <string>

#include "core/edge_cache.h"
#include "policy/distribution.h"
#include "policy/http_message.h"

namespace edgesim::core {

// `r` is the pipeline's answer to `viewer` under `config`.
std::string SummarizeAnswer(const EdgeResult& r, const policy::DistributionConfig& config,
                            const policy::Request& viewer);

}  // namespace edgesim::core
