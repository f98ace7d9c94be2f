#include "sim/trace_source.h"

#include "absl/status/status.h"
#include "policy/status_macros.h"
#include "sim/csv_trace_reader.h"
#include "sim/oracle_general_reader.h"

namespace edgesim::sim {

absl::StatusOr<std::unique_ptr<TraceSource>> OpenTrace(const WorkloadSpec& spec, bool strict) {
  switch (spec.kind) {
    case WorkloadSpec::Kind::kCsv:
      EDGESIM_CHECK(spec.files.size() == 1);
      return OpenCsvTrace(spec.files[0], spec.csv, strict);
    case WorkloadSpec::Kind::kOracleGeneral:
      EDGESIM_CHECK(spec.files.size() == 1);
      return OpenOracleGeneralTrace(spec.files[0], strict);
    case WorkloadSpec::Kind::kCloudFrontLog:
      return absl::UnimplementedError("cloudfront-log workloads: reader not landed yet");
    case WorkloadSpec::Kind::kSynthetic:
      return absl::UnimplementedError("synthetic workloads: generator not landed yet");
  }
  return absl::InvalidArgumentError("unknown workload kind");
}

}  // namespace edgesim::sim
