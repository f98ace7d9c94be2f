#include "sim/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace edgesim::sim {
namespace {

constexpr unsigned kGzipBufferBytes = 256 * 1024;

absl::Status ErrnoError(const std::string& path, absl::string_view what) {
  const int err = errno;
  std::string message = absl::StrCat(path, ": ", what, ": ", std::strerror(err));
  return err == ENOENT ? absl::NotFoundError(message) : absl::InvalidArgumentError(message);
}

bool StartsWithGzipMagic(int fd) {
  unsigned char magic[2];
  return pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

}  // namespace

absl::StatusOr<InputFile> InputFile::Open(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(path, "cannot open");
  if (!StartsWithGzipMagic(fd)) {
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct stat st;
    const uint64_t size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
    return InputFile(path, fd, nullptr, size);
  }
  gzFile gz = gzdopen(fd, "rb");  // owns fd from here
  if (gz == nullptr) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot start gzip decoding"));
  }
  gzbuffer(gz, kGzipBufferBytes);
  return InputFile(path, -1, gz, 0);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      gz_(std::exchange(other.gz_, nullptr)),
      plain_size_(other.plain_size_) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    Close();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    gz_ = std::exchange(other.gz_, nullptr);
    plain_size_ = other.plain_size_;
  }
  return *this;
}

InputFile::~InputFile() { Close(); }

void InputFile::Close() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  if (fd_ >= 0) close(fd_);
  gz_ = nullptr;
  fd_ = -1;
}

absl::StatusOr<size_t> InputFile::Read(char* dest, size_t n) {
  size_t total = 0;
  while (total < n) {
    const size_t want = std::min<size_t>(n - total, INT_MAX);
    if (gz_ != nullptr) {
      gzFile gz = static_cast<gzFile>(gz_);
      const int got = gzread(gz, dest + total, static_cast<unsigned>(want));
      // A truncated stream ends with a short read and Z_BUF_ERROR in gzerror, not with -1.
      int code = Z_OK;
      const char* message = gzerror(gz, &code);
      if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
        return absl::InvalidArgumentError(absl::StrCat(path_, ": gzip: ", message));
      }
      if (got == 0) break;
      total += static_cast<size_t>(got);
    } else {
      const ssize_t got = read(fd_, dest + total, want);
      if (got < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(path_, "read failed");
      }
      if (got == 0) break;
      total += static_cast<size_t>(got);
    }
  }
  return total;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  absl::StatusOr<InputFile> file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  std::string text(file->plain_size(), '\0');
  size_t got = 0;
  for (;;) {
    if (got == text.size()) text.resize(std::max<size_t>(64 * 1024, text.size() * 2));
    absl::StatusOr<size_t> n = file->Read(text.data() + got, text.size() - got);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  text.resize(got);
  return text;
}

}  // namespace edgesim::sim
