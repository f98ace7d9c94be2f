#include "sim/simulation.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "policy/status_macros.h"
#include "sim/progress_line.h"
#include "sim/replay.h"
#include "sim/trace_buffer.h"
#include "sim/trace_source.h"
#include "sim/vector_trace_source.h"
#include "sim/workload_spec.h"

namespace edgesim::sim {
namespace {

// Redraws the progress line (progress_line.h) every quarter second until stopped, or with
// `lines`, writes one whenever ProgressLineDue says so (output that is not a terminal).
class ProgressBar {
 public:
  ProgressBar(std::ostream* out, bool lines, uint64_t total, size_t variants,
              const std::atomic<uint64_t>& done, const std::atomic<size_t>& finished)
      : out_(out), lines_(lines), total_(std::max<uint64_t>(total, 1)), variants_(variants),
        done_(done), finished_(finished) {
    if (out_ != nullptr) thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressBar() {
    if (out_ == nullptr) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
    *out_ << (lines_ ? "" : "\r") << ProgressText(Now()) << "\n" << std::flush;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
      const Progress p = Now();
      if (!lines_) {
        *out_ << "\r" << ProgressText(p) << std::flush;
      } else if (p.fraction < 1 && ProgressLineDue(printed_, p.fraction, p.elapsed - printed_at_)) {
        *out_ << ProgressText(p) << "\n" << std::flush;
        printed_ = p.fraction;
        printed_at_ = p.elapsed;
      }
    }
  }
  Progress Now() const {
    // Key-only replays count requests, not events: a finished run is 100% whatever the counts.
    const double f = finished_.load() == variants_
                         ? 1.0
                         : std::min(1.0, static_cast<double>(done_.load()) /
                                             static_cast<double>(total_));
    return {.fraction = f,
            .elapsed = absl::Now() - start_,
            .finished = finished_.load(),
            .variants = variants_};
  }

  std::ostream* out_;
  const bool lines_;
  uint64_t total_;
  size_t variants_;
  const std::atomic<uint64_t>& done_;
  const std::atomic<size_t>& finished_;
  const absl::Time start_ = absl::Now();
  double printed_ = 0;
  absl::Duration printed_at_ = absl::ZeroDuration();
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

absl::StatusOr<std::vector<const Variant*>> Selected(const Scenario& scenario,
                                                     const std::string& name) {
  std::vector<const Variant*> out;
  for (const Variant& v : scenario.variants) {
    if (name.empty() || v.name == name) out.push_back(&v);
  }
  if (out.empty()) {
    return absl::NotFoundError(absl::StrCat("no variant is named \"", name, "\""));
  }
  return out;
}

// Both entry points: `reopen` (may be null) gives full-model variants their own pass over the
// workload, so the first pass keeps no records.
absl::StatusOr<SimulationResult> RunOnSource(const Scenario& scenario, TraceSource& source,
                                             const SimulationOptions& options,
                                             absl::optional<absl::Time> epoch,
                                             const TraceOpener* reopen);

}  // namespace

absl::StatusOr<SimulationResult> RunSimulation(const Scenario& scenario,
                                               const SimulationOptions& options) {
  if (!scenario.workload.is_null()) {
    EDGESIM_ASSIGN_OR_RETURN(WorkloadSpec spec,
                             ParseWorkloadSpec(scenario.workload, scenario.base_dir));
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source,
                             OpenTrace(spec, options.strict));
    // Relative traces count from the Unix epoch (trace.h): that is the scenario's time 0. Logs
    // start at their first record.
    const bool logs = spec.kind == WorkloadSpec::Kind::kCloudFrontLog;
    // Reading again costs about what keeping the records would (a 10^7-request CSV: ~1 s against
    // ~4 s and 1.5 GB kept). Not for logs: their reader loads and sorts every file each time.
    const TraceOpener reopen = [spec, strict = options.strict] { return OpenTrace(spec, strict); };
    return RunOnSource(scenario, *source, options,
                       logs ? absl::nullopt : absl::optional<absl::Time>(absl::UnixEpoch()),
                       logs ? nullptr : &reopen);
  }
  if (scenario.steps.empty()) {
    return absl::InvalidArgumentError("the scenario has neither a workload nor steps to replay");
  }
  std::unique_ptr<VectorTraceSource> steps = TraceFromSteps(scenario, kStepsEpoch);
  return RunSimulation(scenario, *steps, options, kStepsEpoch);
}

absl::StatusOr<SimulationResult> RunSimulation(const Scenario& scenario, TraceSource& source,
                                               const SimulationOptions& options,
                                               absl::optional<absl::Time> epoch) {
  return RunOnSource(scenario, source, options, epoch, /*reopen=*/nullptr);
}

namespace {

absl::StatusOr<SimulationResult> RunOnSource(const Scenario& scenario, TraceSource& source,
                                             const SimulationOptions& options,
                                             absl::optional<absl::Time> epoch,
                                             const TraceOpener* reopen) {
  if (options.shard_count < 1 || options.shard < 0 || options.shard >= options.shard_count) {
    return absl::InvalidArgumentError(absl::StrCat("shard ", options.shard, "/",
                                                   options.shard_count, " does not exist"));
  }
  EDGESIM_ASSIGN_OR_RETURN(std::vector<const Variant*> variants,
                           Selected(scenario, options.variant));
  const bool keep_records =
      reopen == nullptr && std::any_of(variants.begin(), variants.end(),
                                       [](const Variant* v) { return !v->cache_only; });
  // Full-model variants replay key-only only a trace without targets (replay.h).
  const bool keys_without_targets_only = std::none_of(
      variants.begin(), variants.end(), [](const Variant* v) { return v->cache_only; });
  EDGESIM_ASSIGN_OR_RETURN(TraceBuffer buffer,
                           TraceBuffer::Read(source, keep_records, keys_without_targets_only));
  ReplayFrame frame =
      MakeFrame(buffer, epoch.value_or(buffer.start()), options.shard, options.shard_count);
  // Steps are a teaching script: an invalidation there takes effect at once, as in the emulator.
  if (scenario.workload.is_null() && !scenario.steps.empty()) {
    frame.invalidation_delay = absl::ZeroDuration();
  }

  SimulationResult result;
  result.scenario = scenario.name;
  result.description = scenario.description;
  result.series_start = frame.series_start;
  result.series_bucket = frame.series_bucket;
  result.series_buckets = frame.series_buckets;
  for (absl::Time t : buffer.deploys()) {
    result.deploys.push_back(absl::ToDoubleSeconds(t - frame.series_start));
  }
  result.records = buffer.records();
  result.bad_records = buffer.stats().bad_records;
  result.bad_examples = buffer.stats().bad_examples;
  result.shards = {options.shard};
  result.shard_count = options.shard_count;

  std::vector<absl::StatusOr<VariantResult>> outcomes(variants.size(),
                                                      absl::UnknownError("not run"));
  std::atomic<size_t> next{0};
  std::atomic<size_t> finished{0};
  std::atomic<uint64_t> progress{0};
  {
    ProgressBar bar(options.progress, options.progress_lines, buffer.records() * variants.size(), variants.size(),
                    progress, finished);
    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::min<int>(options.threads > 0 ? options.threads : hardware,
                                      static_cast<int>(variants.size()));
    auto work = [&] {
      for (size_t i = next++; i < variants.size(); i = next++) {
        outcomes[i] = ReplayVariant(scenario, *variants[i], buffer, frame, &progress, reopen,
                                    &options.on_request);
        ++finished;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }
  for (absl::StatusOr<VariantResult>& outcome : outcomes) {
    if (!outcome.ok()) return outcome.status();
    result.variants.push_back(*std::move(outcome));
  }
  return result;
}

}  // namespace
}  // namespace edgesim::sim
