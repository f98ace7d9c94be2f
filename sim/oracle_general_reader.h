// oracle_general_reader.h — libCacheSim's `oracleGeneral` binary traces as a TraceSource, so the
// research community's traces (and its tools, on our generated traces) interoperate.
//
// The format is a headerless sequence of packed little-endian 24-byte records:
//   uint32 clock_time (seconds) | uint64 obj_id | uint32 obj_size | int64 next_access_vtime
// `next_access_vtime` (the index of the object's next request, -1 if none; used by Belady) is not
// needed by the replay and is skipped. A truncated final record is a bad record. Times count from
// absl::UnixEpoch(); a record earlier than the one before is replayed at the previous time.
//
//   EDGESIM_ASSIGN_OR_RETURN(auto source, OpenOracleGeneralTrace("w01.oracleGeneral.bin", false));
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/base/config.h"
#include "absl/status/statusor.h"
#include "sim/trace.h"

namespace edgesim::sim {

inline constexpr size_t kOracleGeneralRecordBytes = 24;

struct OracleGeneralRecord {
  uint32_t clock_time = 0;
  uint64_t obj_id = 0;
  uint32_t obj_size = 0;
  int64_t next_access_vtime = -1;
};

static_assert(ABSL_IS_LITTLE_ENDIAN, "oracleGeneral is little-endian; add byte swaps here");

// Packs/unpacks one record at `p` (kOracleGeneralRecordBytes bytes, any alignment).
inline void PackOracleGeneral(const OracleGeneralRecord& r, char* p) {
  std::memcpy(p, &r.clock_time, 4);
  std::memcpy(p + 4, &r.obj_id, 8);
  std::memcpy(p + 12, &r.obj_size, 4);
  std::memcpy(p + 16, &r.next_access_vtime, 8);
}
inline OracleGeneralRecord UnpackOracleGeneral(const char* p) {
  OracleGeneralRecord r;
  std::memcpy(&r.clock_time, p, 4);
  std::memcpy(&r.obj_id, p + 4, 8);
  std::memcpy(&r.obj_size, p + 12, 4);
  std::memcpy(&r.next_access_vtime, p + 16, 8);
  return r;
}

// NotFound / InvalidArgument when `path` cannot be opened. With `strict`, a truncated record
// stops the source with InvalidArgument "path:N: ..." (N = the 1-based record number).
absl::StatusOr<std::unique_ptr<TraceSource>> OpenOracleGeneralTrace(const std::string& path,
                                                                    bool strict);

}  // namespace edgesim::sim
