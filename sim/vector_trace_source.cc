#include "sim/vector_trace_source.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/sharded_store.h"
#include "policy/status_macros.h"

namespace edgesim::sim {

VectorTraceSource::VectorTraceSource(std::vector<std::string> pops, size_t batch_size)
    : pops_(std::move(pops)), batch_size_(batch_size) {
  EDGESIM_CHECK(!pops_.empty() && batch_size_ > 0);
}

void VectorTraceSource::Add(const TraceRecord& record) {
  EDGESIM_CHECK(records_.empty() || record.time >= records_.back().record.time);
  EDGESIM_CHECK(record.pop < pops_.size());
  Owned owned{.record = record,
              .method = std::string(record.method),
              .target = std::string(record.target),
              .headers = std::string(record.headers)};
  records_.push_back(std::move(owned));
  ++stats_.records;
}

void VectorTraceSource::AddRequest(absl::Time time, absl::string_view target, uint32_t pop,
                                   uint64_t size) {
  TraceRecord r;
  r.time = time;
  r.target = target;
  r.object_id = core::HashKey(target);
  r.pop = pop;
  r.size = size;
  Add(r);
}

void VectorTraceSource::AddKey(absl::Time time, uint64_t object_id, uint64_t size, uint32_t pop) {
  TraceRecord r;
  r.time = time;
  r.object_id = object_id;
  r.size = size;
  r.pop = pop;
  Add(r);
}

void VectorTraceSource::AddEvent(absl::Time time, TraceRecord::Kind kind,
                                 const std::vector<std::string>& paths) {
  const std::string joined = absl::StrJoin(paths, "\n");
  TraceRecord r;
  r.time = time;
  r.kind = kind;
  r.target = joined;
  Add(r);
}

bool VectorTraceSource::Next(TraceBatch& batch) {
  batch.Clear();
  const size_t end = std::min(records_.size(), next_ + batch_size_);
  for (; next_ < end; ++next_) {
    const Owned& o = records_[next_];
    TraceRecord r = o.record;
    r.method = batch.arena.Store(o.method);
    r.target = batch.arena.Store(o.target);
    r.headers = batch.arena.Store(o.headers);
    batch.records.push_back(r);
  }
  return !batch.records.empty();
}

std::unique_ptr<VectorTraceSource> TraceFromSteps(const Scenario& scenario, absl::Time epoch) {
  const std::vector<std::string> pops = StepPops(scenario);
  auto trace = std::make_unique<VectorTraceSource>(pops);
  for (const Step& step : scenario.steps) {
    const absl::Time time = epoch + step.at;
    switch (step.kind) {
      case Step::Kind::kDeploy:
        trace->AddEvent(time, TraceRecord::Kind::kDeploy, step.paths);
        break;
      case Step::Kind::kInvalidate:
        trace->AddEvent(time, TraceRecord::Kind::kInvalidation, step.paths);
        break;
      case Step::Kind::kRequest: {
        std::string headers;
        for (const auto& [name, value] : step.request.headers.fields()) {
          absl::StrAppend(&headers, headers.empty() ? "" : "\n", name, ": ", value);
        }
        TraceRecord r;
        r.time = time;
        r.method = step.request.method;
        r.target = step.request.target;
        r.headers = headers;
        r.https = step.request.https;
        r.object_id = core::HashKey(step.request.target);
        r.pop = step.pop.empty()
                    ? 0
                    : static_cast<uint32_t>(std::find(pops.begin(), pops.end(), step.pop) -
                                            pops.begin());
        trace->Add(r);
        break;
      }
    }
  }
  return trace;
}

}  // namespace edgesim::sim
