// csv_trace_reader.h — a CSV trace as a TraceSource, its columns named by a CsvFormat
// (workload_spec.h; libCacheSim's `-t "time-col=1,obj-id-col=2,obj-size-col=3"` works too).
//
// Per line: time (a number in the format's unit, fractions allowed), key (a number is the object
// id as is; a path starting with '/' becomes the record's target and is hashed; other strings are
// hashed), and optionally size, status and POP code. Empty lines and lines starting with '#' are
// skipped; a field may be "double-quoted" (no escaped quotes inside). A line that does not parse
// is a bad record ("file:line: why"), and so are a size over kMaxRecordSize (2^63-1) and a time
// past kMaxTraceOffset (2106-02-07T06:28:15Z). With `strict`, so is a last line without its
// newline: a file cut short mid-line may still parse (a size cut from 1200 to 12). Times count
// from absl::UnixEpoch(); a line earlier than the one before is replayed at the previous time
// (traces are expected sorted).
//
// pops() lists POP codes in order of first appearance, so it grows while the trace is read; an
// index, once handed out, keeps its meaning. Without a POP column it is {kDefaultPop}. A trace
// naming more than kMaxPops (1,024) distinct POPs stops at the line naming the one too many,
// with InvalidArgument "file:line: POP ..." with or without `strict` (sim/trace.h).
//
//   EDGESIM_ASSIGN_OR_RETURN(CsvFormat format, ParseCsvOptionString("time-col=1,obj-id-col=2"));
//   EDGESIM_ASSIGN_OR_RETURN(auto source, OpenCsvTrace("trace.csv", format, /*strict=*/false));
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "sim/trace.h"
#include "sim/workload_spec.h"

    namespace edgesim::sim {

  // REQUIRES: format.time_column >= 0 and format.key_column >= 0 (as ParseWorkloadSpec ensures).
  absl::StatusOr<std::unique_ptr<TraceSource>> OpenCsvTrace(const std::string& path,
                                                            const CsvFormat& format, bool strict);

}  // namespace edgesim::sim
