#include "sim/trace.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace edgesim::sim {

absl::string_view TraceArena::Store(absl::string_view s) {
  if (s.empty()) return {};
  while (block_ < blocks_.size() && used_ + s.size() > block_sizes_[block_]) {
    ++block_;
    used_ = 0;
  }
  if (block_ == blocks_.size()) {
    const size_t size = std::max(kBlockSize, s.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));  // every byte is copied in
    block_sizes_.push_back(size);
  }
  char* dest = blocks_[block_].get() + used_;
  std::memcpy(dest, s.data(), s.size());
  used_ += s.size();
  return absl::string_view(dest, s.size());
}

bool ReportBadRecord(std::string message, bool strict, TraceStats& stats, absl::Status& status) {
  constexpr size_t kMaxExamples = 10;
  if (strict) {
    status = absl::InvalidArgumentError(message);
    return false;
  }
  ++stats.bad_records;
  if (stats.bad_examples.size() < kMaxExamples) stats.bad_examples.push_back(std::move(message));
  return true;
}

absl::Status TooManyPopsError(absl::string_view where, absl::string_view pop) {
  return absl::InvalidArgumentError(absl::StrCat(
      where, ": POP \"", pop, "\" is one more than the ", kMaxPops,
      " distinct POPs a trace may name (a cache each; CloudFront has a few hundred): map POPs to "
      "fewer names (a cloudfront-log workload's pop_map) or fix the POP column"));
}

}  // namespace edgesim::sim
