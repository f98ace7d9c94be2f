// make_trace.cc — writes the simulator's benchmark trace: a seeded Zipf workload from its
// own generator (sim/workload_generator.h), as a libCacheSim oracleGeneral file and as a CSV, and
// prints the trace's working set so bench/sim_throughput.sh can size caches in % of it. The same
// draws with the generator's path layout (pages, hashed assets, API calls with a page query)
// make a third file, a CSV of paths, for the full CloudFront model: it needs paths to match
// behaviors and build keys, which object ids cannot give it.
//
//   edgesim_make_trace OUT_DIR [REQUESTS] [OBJECTS] [ALPHA] [SEED] [FILES]
//     -> OUT_DIR/zipf.oracleGeneral.bin, OUT_DIR/zipf.csv, OUT_DIR/zipf-paths.csv
//     stdout: requests=10000000 objects=1000000 distinct=... working_set_bytes=...
//   FILES (default "oracle,csv,paths") names the files to write; the oracleGeneral file is always
//   written (the summary reads it back). A 10^8-request trace is 2.4 GB as oracleGeneral and
//   several times that as CSV, so bench/sim_memory.sh writes only what it replays.
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "policy/status_macros.h"
#include "sim/trace_source.h"
#include "sim/trace_writer.h"
#include "sim/workload_spec.h"

namespace edgesim::sim {
namespace {

// Object ids only (libCacheSim's traces have no paths) unless `paths`, lognormal sizes around
// 4 KB, 1,000 requests a second so 10M requests span ~3 hours.
WorkloadSpec ZipfSpec(uint64_t requests, uint64_t objects, double alpha, uint64_t seed,
                      bool paths) {
  WorkloadSpec spec;
  spec.kind = WorkloadSpec::Kind::kSynthetic;
  GeneratorSpec& g = spec.synthetic;
  g.seed = seed;
  g.objects = objects;
  g.zipf_alpha = alpha;
  g.max_requests = requests;
  g.duration = absl::InfiniteDuration();
  g.rate = 1000;
  g.key_only = !paths;
  for (SizeDistribution& s : g.sizes) s = {SizeDistribution::Kind::kLognormal, 4096, 1.0};
  return spec;
}

struct Summary {
  uint64_t requests = 0;
  uint64_t distinct = 0;
  uint64_t working_set_bytes = 0;
};

// Reads the written oracleGeneral file back: what the benchmark replays is what it sizes for.
absl::StatusOr<Summary> Summarize(const std::string& oracle_path) {
  WorkloadSpec spec;
  spec.kind = WorkloadSpec::Kind::kOracleGeneral;
  spec.files = {oracle_path};
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source, OpenTrace(spec, true));
  absl::flat_hash_map<uint64_t, uint64_t> sizes;
  Summary s;
  TraceBatch batch;
  while (source->Next(batch)) {
    for (const TraceRecord& r : batch.records) {
      ++s.requests;
      if (sizes.emplace(r.object_id, r.size).second) s.working_set_bytes += r.size;
    }
  }
  EDGESIM_RETURN_IF_ERROR(source->status());
  s.distinct = sizes.size();
  return s;
}

absl::Status Run(const std::string& dir, uint64_t requests, uint64_t objects, double alpha,
                 uint64_t seed, const absl::flat_hash_set<std::string>& files) {
  const WorkloadSpec ids = ZipfSpec(requests, objects, alpha, seed, /*paths=*/false);
  const std::string oracle = dir + "/zipf.oracleGeneral.bin";
  {
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source, OpenTrace(ids, true));
    EDGESIM_RETURN_IF_ERROR(WriteOracleGeneral(*source, oracle));
  }
  if (files.contains("csv")) {
    // The same seed gives the same trace again.
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source, OpenTrace(ids, true));
    EDGESIM_RETURN_IF_ERROR(WriteCsv(*source, dir + "/zipf.csv"));
  }
  if (files.contains("paths")) {
    const WorkloadSpec paths = ZipfSpec(requests, objects, alpha, seed, /*paths=*/true);
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source, OpenTrace(paths, true));
    EDGESIM_RETURN_IF_ERROR(WriteCsv(*source, dir + "/zipf-paths.csv"));
  }
  EDGESIM_ASSIGN_OR_RETURN(Summary s, Summarize(oracle));
  std::cout << "requests=" << s.requests << " objects=" << objects << " distinct=" << s.distinct
            << " working_set_bytes=" << s.working_set_bytes << "\n";
  return absl::OkStatus();
}

}  // namespace
}  // namespace edgesim::sim

int main(int argc, char** argv) {
  if (argc < 2 || argc > 7) {
    std::cerr << "usage: edgesim_make_trace OUT_DIR [REQUESTS] [OBJECTS] [ALPHA] [SEED] [FILES]\n";
    return 2;
  }
  uint64_t requests = 10'000'000, objects = 1'000'000, seed = 1;
  double alpha = 1.0;
  if ((argc > 2 && !absl::SimpleAtoi(argv[2], &requests)) ||
      (argc > 3 && !absl::SimpleAtoi(argv[3], &objects)) ||
      (argc > 4 && !absl::SimpleAtod(argv[4], &alpha)) ||
      (argc > 5 && !absl::SimpleAtoi(argv[5], &seed))) {
    std::cerr << "edgesim_make_trace: REQUESTS, OBJECTS and SEED are integers, ALPHA a number\n";
    return 2;
  }
  const absl::flat_hash_set<std::string> files =
      absl::StrSplit(argc > 6 ? argv[6] : "oracle,csv,paths", ',');
  for (const std::string& f : files) {
    if (f != "oracle" && f != "csv" && f != "paths") {
      std::cerr << "edgesim_make_trace: FILES is a comma-separated list of oracle, csv, paths\n";
      return 2;
    }
  }
  const absl::Status s = edgesim::sim::Run(argv[1], requests, objects, alpha, seed, files);
  if (!s.ok()) {
    std::cerr << "edgesim_make_trace: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
