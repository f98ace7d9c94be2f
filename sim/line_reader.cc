#include "sim/line_reader.h"

#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace edgesim::sim {
namespace {

// Two maximal lines fit, so a refill always makes room for a whole line.
constexpr size_t kBufferBytes = 2 * LineReader::kMaxLineBytes;

}  // namespace

absl::StatusOr<LineReader> LineReader::Open(const std::string& path) {
  absl::StatusOr<InputFile> file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  return LineReader(*std::move(file));
}

// Not zeroed: only bytes read from the file are ever looked at, and zeroing 2 MiB per file cost
// more than reading a small log (and faulted in every page of the buffer).
LineReader::LineReader(InputFile file)
    : file_(std::move(file)), buffer_(std::make_unique_for_overwrite<char[]>(kBufferBytes)) {}

bool LineReader::Next(absl::string_view& line) {
  if (!status_.ok()) return false;
  for (;;) {
    const char* start = buffer_.get() + begin_;
    const size_t available = end_ - begin_;
    const void* newline = std::memchr(start + scanned_, '\n', available - scanned_);
    size_t length;
    if (newline != nullptr) {
      length = static_cast<const char*>(newline) - start;
      begin_ += length + 1;
      line_terminated_ = true;
    } else if (at_eof_) {
      if (available == 0) return false;
      length = available;
      begin_ = end_;
      line_terminated_ = false;
    } else {
      scanned_ = available;
      if (!Refill()) return false;
      continue;
    }
    scanned_ = 0;
    ++line_number_;
    if (length > kMaxLineBytes) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat(path(), ":", line_number_, ": line longer than ", kMaxLineBytes, " bytes"));
      return false;
    }
    if (length > 0 && start[length - 1] == '\r') --length;
    line = absl::string_view(start, length);
    return true;
  }
}

uint64_t LineReader::EstimatedLines() const {
  const uint64_t consumed = file_bytes_read_ - (end_ - begin_);
  if (line_number_ == 0 || consumed == 0) return 0;
  const double per_byte = static_cast<double>(line_number_) / static_cast<double>(consumed);
  return static_cast<uint64_t>(1.1 * per_byte * static_cast<double>(file_.plain_size()));
}

bool LineReader::Refill() {
  const size_t available = end_ - begin_;
  if (available > kMaxLineBytes) {
    status_ = absl::InvalidArgumentError(absl::StrCat(
        path(), ":", line_number_ + 1, ": line longer than ", kMaxLineBytes, " bytes"));
    return false;
  }
  std::memmove(buffer_.get(), buffer_.get() + begin_, available);
  begin_ = 0;
  end_ = available;
  absl::StatusOr<size_t> got = file_.Read(buffer_.get() + end_, kBufferBytes - end_);
  if (!got.ok()) {
    status_ = got.status();
    return false;
  }
  end_ += *got;
  file_bytes_read_ += *got;
  if (end_ < kBufferBytes) at_eof_ = true;
  return true;
}

}  // namespace edgesim::sim
