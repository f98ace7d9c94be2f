// CSV traces (sim/csv_trace_reader.h) with their column options (sim/workload_spec.h's
// ParseCsvOptionString): the input's first line is a libCacheSim `-t` option string, the rest the
// trace. A first line that is no valid option string is replaced by a five-column format, so the
// reader still runs. Each input is read leniently and strictly (trace_drain.h's checks).
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "fuzz/memory_file.h"
#include "fuzz/trace_drain.h"
#include "sim/csv_trace_reader.h"
#include "sim/workload_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static edgesim::fuzz::MemoryFile* const file = new edgesim::fuzz::MemoryFile();
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  absl::StatusOr<edgesim::sim::CsvFormat> format =
      edgesim::sim::ParseCsvOptionString(input.substr(0, newline));
  if (!format.ok()) {
    format = edgesim::sim::ParseCsvOptionString(
        "time-col=1,obj-id-col=2,obj-size-col=3,status-col=4,pop-col=5");
  }
  const size_t body = newline == absl::string_view::npos ? size : newline + 1;
  file->Write(data + body, size - body);
  for (const bool strict : {false, true}) {
    edgesim::fuzz::DrainTrace(edgesim::sim::OpenCsvTrace(file->path(), *format, strict));
  }
  return 0;
}
