// CloudFront standard access logs (sim/cloudfront_log_reader.h), plain or gzip: the input is one
// log file, read leniently and strictly, with a POP map renaming one edge location
// (trace_drain.h's checks).
#include <cstddef>
#include <cstdint>

#include "fuzz/memory_file.h"
#include "fuzz/trace_drain.h"
#include "sim/cloudfront_log_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static edgesim::fuzz::MemoryFile* const file = new edgesim::fuzz::MemoryFile();
  file->Write(data, size);
  for (const bool strict : {false, true}) {
    edgesim::fuzz::DrainTrace(
        edgesim::sim::OpenCloudFrontLogs({file->path()}, {{"IAD89-C1", "IAD"}}, strict));
  }
  return 0;
}
