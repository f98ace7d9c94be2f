// sim_replay_bench.cc — replay throughput of the simulator: requests/s of
// one variant over a decoded Zipf trace, key-only (LRU, FIFO, SIEVE, S3-FIFO at 1% and 10% of the
// working set in bytes) and with the full CloudFront model. Decoding is not timed here (the
// trace readers have their own figures); a sweep decodes once and replays many times.
//
//   ./build-release/bench/edgesim_bench --benchmark_filter=Replay
#include <cmath>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "sim/replay.h"
#include "sim/scenario.h"
#include "sim/trace_buffer.h"

namespace edgesim::sim {
namespace {

constexpr uint64_t kObjects = 1'000'000;

// Zipf(1.0) over kObjects by an inverse-CDF table, sizes lognormal-ish per object, one POP;
// generated on the fly so a 10M-request trace needs no strings of its own.
class ZipfSource final : public TraceSource {
 public:
  ZipfSource(uint64_t requests, bool with_targets) : left_(requests), with_targets_(with_targets) {
    cdf_.resize(kObjects);
    double sum = 0;
    for (uint64_t i = 0; i < kObjects; ++i) cdf_[i] = sum += 1.0 / static_cast<double>(i + 1);
    for (double& c : cdf_) c /= sum;
    sizes_.resize(kObjects);
    for (uint64_t i = 0; i < kObjects; ++i) {
      sizes_[i] = 1000 + static_cast<uint32_t>(Next64() % 64000);
      working_set_ += sizes_[i];
    }
    if (with_targets_) {
      targets_.reserve(kObjects);
      for (uint64_t i = 0; i < kObjects; ++i) targets_.push_back("/o/" + std::to_string(i));
    }
  }
  bool Next(TraceBatch& batch) override {
    batch.Clear();
    for (int i = 0; i < 4096 && left_ > 0; ++i, --left_) {
      const double u = static_cast<double>(Next64() >> 11) * 0x1.0p-53;
      const uint64_t obj = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
      TraceRecord r;
      r.time = absl::UnixEpoch() + absl::Milliseconds(time_ms_ += 1);
      r.object_id = std::min(obj, kObjects - 1) + 1;
      r.size = sizes_[r.object_id - 1];
      if (with_targets_) r.target = targets_[r.object_id - 1];
      batch.records.push_back(r);
    }
    return !batch.records.empty();
  }
  absl::Status status() const override { return absl::OkStatus(); }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }
  uint64_t working_set() const { return working_set_; }

 private:
  uint64_t Next64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t left_;
  bool with_targets_;
  uint64_t state_ = 42;
  int64_t time_ms_ = 0;
  uint64_t working_set_ = 0;
  std::vector<double> cdf_;
  std::vector<uint32_t> sizes_;
  std::vector<std::string> targets_;
  TraceStats stats_;
  std::vector<std::string> pops_ = {"IAD89-C1"};
};

struct Decoded {
  TraceBuffer buffer;
  uint64_t working_set;
};

const Decoded& Trace(bool with_targets) {
  static Decoded* keys = nullptr;
  static Decoded* full = nullptr;
  Decoded*& slot = with_targets ? full : keys;
  if (slot == nullptr) {
    // Kept alive: the records' targets point into it.
    auto* source = new ZipfSource(with_targets ? 2'000'000 : 10'000'000, with_targets);
    slot = new Decoded{*TraceBuffer::Read(*source, with_targets), source->working_set()};
  }
  return *slot;
}

Scenario FullModelScenario() {
  return *ParseScenario(nlohmann::json::parse(R"({"origin": {"rules": [
      {"path": "*", "headers": {"Cache-Control": "max-age=86400"}}]}})"),
                        ".");
}

void Replay(benchmark::State& state, const char* eviction, bool full_model) {
  const Decoded& trace = Trace(full_model);
  const Scenario scenario = FullModelScenario();
  Variant variant;
  variant.eviction = eviction;
  variant.capacity_bytes = trace.working_set * state.range(0) / 100;
  const ReplayFrame frame = MakeFrame(trace.buffer, absl::UnixEpoch(), 0, 1);
  double miss_ratio = 0;
  for (auto _ : state) {
    absl::StatusOr<VariantResult> r = ReplayVariant(scenario, variant, trace.buffer, frame);
    miss_ratio = 1 - HitRatio(r->total);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * trace.buffer.keys().size());
  state.counters["miss_ratio"] = miss_ratio;
}

void BM_KeyOnlyReplay_Lru(benchmark::State& s) { Replay(s, "lru", false); }
void BM_KeyOnlyReplay_Fifo(benchmark::State& s) { Replay(s, "fifo", false); }
void BM_KeyOnlyReplay_Sieve(benchmark::State& s) { Replay(s, "sieve", false); }
void BM_KeyOnlyReplay_S3Fifo(benchmark::State& s) { Replay(s, "s3fifo", false); }
void BM_FullModelReplay_Lru(benchmark::State& s) { Replay(s, "lru", true); }

// Argument: capacity in % of the working set's bytes.
BENCHMARK(BM_KeyOnlyReplay_Lru)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KeyOnlyReplay_Fifo)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KeyOnlyReplay_Sieve)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KeyOnlyReplay_S3Fifo)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FullModelReplay_Lru)->Arg(10)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace edgesim::sim
