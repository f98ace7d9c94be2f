// input_file.h — the bytes of one trace file, plain or gzip-compressed, read in large blocks.
//
// Trace readers (DESIGN 6) pull whole blocks and parse them in place, so the per-record
// cost stays free of system calls and allocations. A file whose first two bytes are gzip's magic
// number is inflated with zlib (CloudFront delivers its standard logs as `.gz`, SPEC 8.1);
// concatenated gzip members read as one stream.
//
//   EDGESIM_ASSIGN_OR_RETURN(InputFile file, InputFile::Open("logs/E2.2024-01-01-00.ab.gz"));
//   char buf[1 << 16];
//   EDGESIM_ASSIGN_OR_RETURN(size_t n, file.Read(buf, sizeof(buf)));   // 0 at the end
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace edgesim::sim {

class InputFile {
 public:
  // NotFound / InvalidArgument naming the path when it cannot be opened.
  static absl::StatusOr<InputFile> Open(const std::string& path);

  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  // Reads up to `n` bytes into `dest`; fewer only at the end of the file (0 = at the end). An I/O
  // or corrupt-gzip error names the path.
  absl::StatusOr<size_t> Read(char* dest, size_t n);

  const std::string& path() const { return path_; }
  bool compressed() const { return gz_ != nullptr; }
  // The file's size in bytes when it is plain (what Read returns in all); 0 when compressed.
  uint64_t plain_size() const { return plain_size_; }

 private:
  InputFile(std::string path, int fd, void* gz, uint64_t plain_size)
      : path_(std::move(path)), fd_(fd), gz_(gz), plain_size_(plain_size) {}
  void Close();

  std::string path_;
  int fd_ = -1;
  void* gz_ = nullptr;  // gzFile; zlib stays out of this header
  uint64_t plain_size_ = 0;
};

// The whole of a (small) file, plain or gzip-compressed: a scenario, a config, a report. Errors
// name the path.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace edgesim::sim
