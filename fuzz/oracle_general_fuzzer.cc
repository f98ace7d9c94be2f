// libCacheSim's oracleGeneral binary traces (sim/oracle_general_reader.h): the input is the file,
// read leniently and strictly (trace_drain.h's checks).
#include <cstddef>
#include <cstdint>

#include "fuzz/memory_file.h"
#include "fuzz/trace_drain.h"
#include "sim/oracle_general_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static edgesim::fuzz::MemoryFile* const file = new edgesim::fuzz::MemoryFile();
  file->Write(data, size);
  for (const bool strict : {false, true}) {
    edgesim::fuzz::DrainTrace(edgesim::sim::OpenOracleGeneralTrace(file->path(), strict));
  }
  return 0;
}
