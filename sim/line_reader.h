// line_reader.h — the lines of a text trace (CSV, CloudFront access log), numbered, without
// copying: each line is a view into a large block buffer refilled from an `InputFile`.
//
// Text readers report bad records as "file:line: why" (DESIGN 6), so the reader counts
// lines. A trailing '\r' is dropped (CRLF files); the last line needs no final newline.
//
//   EDGESIM_ASSIGN_OR_RETURN(LineReader lines, LineReader::Open("trace.csv"));
//   absl::string_view line;
//   while (lines.Next(line)) Parse(line, lines.line_number());
//   EDGESIM_RETURN_IF_ERROR(lines.status());
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/input_file.h"

namespace edgesim::sim {

class LineReader {
 public:
  // The longest line accepted; a longer one stops the reader with InvalidArgument (file:line).
  static constexpr size_t kMaxLineBytes = 1 << 20;

  static absl::StatusOr<LineReader> Open(const std::string& path);

  // The next line, valid until the next call; false at the end of the file or on an error.
  bool Next(absl::string_view& line);
  // 1-based number of the line `Next` returned last.
  uint64_t line_number() const { return line_number_; }
  // False when the line `Next` returned last ended the file without a newline: a file cut short
  // mid-line looks like that, and strict readers refuse it.
  bool line_terminated() const { return line_terminated_; }
  const absl::Status& status() const { return status_; }
  const std::string& path() const { return file_.path(); }
  // The file's line count extrapolated from the lines read so far and the bytes they took, with
  // 10 % to spare; 0 before the first line or when the size is unknown (gzip).
  uint64_t EstimatedLines() const;

 private:
  explicit LineReader(InputFile file);
  // Moves the unread tail to the front and reads more; false when nothing more can come.
  bool Refill();

  InputFile file_;
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0;    // first unread byte
  size_t scanned_ = 0;  // bytes from begin_ known to hold no '\n'
  size_t end_ = 0;      // one past the last byte read
  bool at_eof_ = false;
  uint64_t file_bytes_read_ = 0;
  uint64_t line_number_ = 0;
  bool line_terminated_ = true;
  absl::Status status_;
};

}  // namespace edgesim::sim
