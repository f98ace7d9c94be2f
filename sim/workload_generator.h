// workload_generator.h — synthetic CloudFront traffic as a TraceSource (DESIGN 6): Zipf
// popularity over a fixed set of objects, a request rate with a daily cycle,
// POP weights, a site's path layout, and deploys that change objects (renaming hashed assets).
//
// Objects are ranked by popularity (rank 0 the most requested). Each has a class and a path:
//   html    rank 0 -> "/index.html", rank r -> "/docs/page-<r>.html"
//   assets  "/assets/<stem><r>.<hash8>.<ext>" — hash8 changes with the object's version, so a
//           deploy renames it and later requests go to the new name (the hashed-assets pattern)
//   api     "/api/items/<r>?page=<m>", m uniform in 1..api_pages per request
// and object_id = XXH3-64 of the target, as for access logs. With "paths": "keys" records carry no
// target and object_id = rank + 1 (the libCacheSim-style benchmark trace); their sizes follow the
// "html" size distribution (give one distribution for all).
//
// Events share the time-ordered stream: at a deploy, each object changes with probability
// `deploy_changed_fraction` (`/index.html`, which names the assets, always changes); a kDeploy
// record lists the changed html and API paths (paths without query; renamed assets are new URLs,
// so they are not listed). The spec's invalidations become kInvalidation records. Events precede
// requests of the same time. Key-only traces have no paths, so they carry no deploys.
//
// Reproducible: the same spec gives the same records on every machine — splitmix64 randomness,
// Zipf by an inverse-CDF table, exponential gaps as -ln(u), lognormal sizes by Box-Muller; no
// std:: distributions (their output is implementation-defined). Times count from
// absl::UnixEpoch().
//
//   EDGESIM_ASSIGN_OR_RETURN(WorkloadSpec spec, ParseWorkloadSpec(json, dir));
//   std::unique_ptr<TraceSource> source = MakeWorkloadGenerator(spec.synthetic);
#pragma once

#include <memory>

#include "sim/trace.h"
#include "sim/workload_spec.h"

namespace edgesim::sim {

// REQUIRES: a spec ParseWorkloadSpec accepted (objects in 1..kMaxGeneratedObjects, weights > 0).
std::unique_ptr<TraceSource> MakeWorkloadGenerator(const GeneratorSpec& spec);

}  // namespace edgesim::sim
