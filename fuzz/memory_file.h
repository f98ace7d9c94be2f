// memory_file.h — a fuzz input as a file for the readers that take a path (trace readers,
// scenario files): a memfd, so nothing touches the disk.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace edgesim::fuzz {

// One in-memory file, rewritten for each input; `path()` opens it afresh (offset 0).
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("edgesim-fuzz-input", MFD_CLOEXEC)) {
    if (fd_ < 0) abort();
    path_ = absl::StrCat("/proc/self/fd/", fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  void Write(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0) abort();
    if (size > 0 && pwrite(fd_, data, size, 0) != static_cast<ssize_t>(size)) abort();
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace edgesim::fuzz
