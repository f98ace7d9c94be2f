// Scenario files (sim/scenario.h) as `edgesim play` and `simulate` load them: the input is the
// file. What loads then has its variants applied to its distribution and its workload parsed
// (sim/variant.h, sim/workload_spec.h); every error is a Status, and every scenario asks at least
// one POP.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/memory_file.h"
#include "sim/scenario.h"
#include "sim/variant.h"
#include "sim/workload_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sim = edgesim::sim;
  static edgesim::fuzz::MemoryFile* const file = new edgesim::fuzz::MemoryFile();
  file->Write(data, size);
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenario(file->path());
  if (!scenario.ok()) return 0;
  if (sim::StepPops(*scenario).empty()) abort();
  for (const sim::Variant& variant : scenario->variants) {
    sim::ApplyVariant(scenario->distribution, variant).status().IgnoreError();
  }
  if (!scenario->workload.is_null()) {
    sim::ParseWorkloadSpec(scenario->workload, scenario->base_dir).status().IgnoreError();
  }
  return 0;
}
