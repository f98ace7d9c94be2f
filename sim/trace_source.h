// trace_source.h — opens the TraceSource a scenario's workload names (DESIGN 6).
//
//   EDGESIM_ASSIGN_OR_RETURN(WorkloadSpec spec, ParseWorkloadSpec(scenario["workload"], dir));
//   EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source, OpenTrace(spec, strict));
//   TraceBatch batch;
//   while (source->Next(batch)) { ... }
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "sim/trace.h"
#include "sim/workload_spec.h"

namespace edgesim::sim {

// Opens the files (NotFound when a file, or every match of a glob, is missing) or starts the
// generator. `strict`: the first bad record stops the source with InvalidArgument "file:line: why"
// instead of being skipped and counted.
absl::StatusOr<std::unique_ptr<TraceSource>> OpenTrace(const WorkloadSpec& spec, bool strict);

}  // namespace edgesim::sim
