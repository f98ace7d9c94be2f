#include "emulator/access_log_writer.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"

namespace edgesim::emulator {
namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// An empty or new file gets the header lines; an appended one already has them.
bool NeedsHeader(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) != 0 || st.st_size == 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AccessLogWriter>> AccessLogWriter::Open(const std::string& path,
                                                                       size_t queue_capacity) {
  const bool directory = IsDirectory(path);
  if (!directory) {
    std::ofstream probe(path, std::ios::app);
    if (!probe) return absl::InvalidArgumentError(absl::StrCat("--access-log ", path, ": cannot open"));
  }
  return std::unique_ptr<AccessLogWriter>(new AccessLogWriter(path, directory, queue_capacity));
}

AccessLogWriter::AccessLogWriter(std::string path, bool directory, size_t queue_capacity)
    : path_(std::move(path)),
      directory_(directory),
      worker_(queue_capacity, [this](std::vector<Entry>& batch) { Write(batch); }) {}

AccessLogWriter::~AccessLogWriter() { Close(); }

void AccessLogWriter::Log(absl::string_view distribution_id, policy::AccessLogRecord record) {
  worker_.Push(Entry(std::string(distribution_id), std::move(record)));
}

void AccessLogWriter::Close() { worker_.Close(); }

AccessLogCounters AccessLogWriter::counters() const {
  const core::BatchWorkerCounters c = worker_.counters();
  return {.written = c.done, .dropped = c.dropped};
}

void AccessLogWriter::ResetCounters() { worker_.ResetCounters(); }

std::string AccessLogWriter::PathFor(absl::string_view distribution_id) const {
  return directory_ ? absl::StrCat(path_, "/", distribution_id, ".log") : path_;
}

std::ofstream& AccessLogWriter::FileFor(const std::string& distribution_id) {
  const std::string path = PathFor(distribution_id);
  auto it = files_.find(path);
  if (it == files_.end()) {
    const bool header = NeedsHeader(path);
    it = files_.emplace(path, std::ofstream(path, std::ios::app)).first;
    if (header) it->second << policy::AccessLogHeader();
  }
  return it->second;
}

void AccessLogWriter::Write(std::vector<Entry>& batch) {
  for (const auto& [id, record] : batch) FileFor(id) << policy::FormatAccessLogLine(record);
  // Flushed per batch: a test (or `tail -f`) sees lines soon after the requests.
  for (auto& [path, file] : files_) file.flush();
}

}  // namespace edgesim::emulator
