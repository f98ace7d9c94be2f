// trace_writer.h — writes a TraceSource out as a trace file, to make benchmark inputs and test
// files from the generator (the 10M-request Zipf benchmark trace in oracleGeneral and CSV form).
//
// Only requests are written: neither format can hold deploy or invalidation events, which are
// dropped. Times are written relative to absl::UnixEpoch(), as the readers read them.
//
//   EDGESIM_ASSIGN_OR_RETURN(auto source, OpenTrace(synthetic_spec, false));
//   EDGESIM_RETURN_IF_ERROR(WriteOracleGeneral(*source, "zipf.oracleGeneral.bin"));
#pragma once

#include <string>

#include "absl/status/status.h"
#include "sim/trace.h"
#include "sim/workload_spec.h"

namespace edgesim::sim {

// libCacheSim's oracleGeneral format (oracle_general_reader.h): times truncated to whole seconds
// (at most 2^32 - 1), sizes clamped to 2^32 - 1, and next_access_vtime filled in (the 0-based
// index of the object's next request, -1 if none), which needs the whole trace in memory
// (24 bytes a request). Fails with the source's error, or with an I/O error naming `path`.
absl::Status WriteOracleGeneral(TraceSource& source, const std::string& path);

// A CSV with a header line "time,key,size,status,pop": time in seconds (fractions when not
// whole), key = the target when the record has one, else the object id; POP codes by name.
// WrittenCsvFormat() reads it back.
absl::Status WriteCsv(TraceSource& source, const std::string& path);
CsvFormat WrittenCsvFormat();

}  // namespace edgesim::sim
