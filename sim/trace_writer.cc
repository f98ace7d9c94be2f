#include "sim/trace_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"
#include "sim/oracle_general_reader.h"

namespace edgesim::sim {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

// Writes `bytes` to `path` (replacing it); an error names the path.
class OutputFile {
 public:
  static absl::StatusOr<OutputFile> Create(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
    }
    return OutputFile(path, f);
  }
  absl::Status Write(absl::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": write failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  absl::Status Close() {
    if (std::fclose(file_.release()) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": close failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

 private:
  OutputFile(std::string path, FILE* f) : path_(std::move(path)), file_(f) {}
  std::string path_;
  std::unique_ptr<FILE, FileCloser> file_;
};

// Calls `fn` on every request of `source`; the source's error, if it stops with one.
template <typename Fn>
absl::Status ForEachRequest(TraceSource& source, Fn fn) {
  TraceBatch batch;
  while (source.Next(batch)) {
    for (const TraceRecord& r : batch.records) {
      if (r.kind != TraceRecord::Kind::kRequest) continue;
      EDGESIM_RETURN_IF_ERROR(fn(r));
    }
  }
  return source.status();
}

// Seconds since the epoch, with up to 9 decimals when not whole.
void AppendSeconds(std::string& out, absl::Time t) {
  const int64_t nanos = absl::ToInt64Nanoseconds(t - absl::UnixEpoch());
  if (nanos < 0) out.push_back('-');
  const uint64_t magnitude = nanos < 0 ? -static_cast<uint64_t>(nanos) : nanos;
  absl::StrAppend(&out, magnitude / 1'000'000'000);
  uint64_t fraction = magnitude % 1'000'000'000;
  if (fraction == 0) return;
  int digits = 9;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  char buf[10];
  std::snprintf(buf, sizeof(buf), "%0*llu", digits, static_cast<unsigned long long>(fraction));
  absl::StrAppend(&out, ".", buf);
}

}  // namespace

absl::Status WriteOracleGeneral(TraceSource& source, const std::string& path) {
  EDGESIM_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(path));
  std::vector<char> packed;
  absl::flat_hash_map<uint64_t, uint64_t> last_index;  // object id -> its latest request
  uint64_t index = 0;
  EDGESIM_RETURN_IF_ERROR(ForEachRequest(source, [&](const TraceRecord& r) {
    OracleGeneralRecord record;
    const int64_t seconds = absl::ToUnixSeconds(r.time);
    record.clock_time = static_cast<uint32_t>(
        std::clamp<int64_t>(seconds, 0, std::numeric_limits<uint32_t>::max()));
    record.obj_id = r.object_id;
    record.obj_size =
        static_cast<uint32_t>(std::min<uint64_t>(r.size, std::numeric_limits<uint32_t>::max()));
    auto [it, inserted] = last_index.try_emplace(r.object_id, index);
    if (!inserted) {
      // The previous request's next access is this one.
      const int64_t next = static_cast<int64_t>(index);
      std::memcpy(packed.data() + it->second * kOracleGeneralRecordBytes + 16, &next, 8);
      it->second = index;
    }
    packed.resize(packed.size() + kOracleGeneralRecordBytes);
    PackOracleGeneral(record, packed.data() + index * kOracleGeneralRecordBytes);
    ++index;
    return absl::OkStatus();
  }));
  EDGESIM_RETURN_IF_ERROR(out.Write(absl::string_view(packed.data(), packed.size())));
  return out.Close();
}

absl::Status WriteCsv(TraceSource& source, const std::string& path) {
  constexpr size_t kFlushBytes = 1 << 20;
  EDGESIM_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create(path));
  std::string buffer = "time,key,size,status,pop\n";
  EDGESIM_RETURN_IF_ERROR(ForEachRequest(source, [&](const TraceRecord& r) {
    AppendSeconds(buffer, r.time);
    buffer.push_back(',');
    if (r.target.empty()) {
      absl::StrAppend(&buffer, r.object_id);
    } else if (r.target.find(',') != absl::string_view::npos) {
      absl::StrAppend(&buffer, "\"", r.target, "\"");
    } else {
      buffer.append(r.target.data(), r.target.size());
    }
    buffer.push_back(',');
    absl::StrAppend(&buffer, r.size);
    buffer.push_back(',');
    absl::StrAppend(&buffer, r.status);
    buffer.push_back(',');
    absl::StrAppend(&buffer, source.pops()[r.pop], "\n");
    if (buffer.size() < kFlushBytes) return absl::OkStatus();
    absl::Status written = out.Write(buffer);
    buffer.clear();
    return written;
  }));
  EDGESIM_RETURN_IF_ERROR(out.Write(buffer));
  return out.Close();
}

CsvFormat WrittenCsvFormat() {
  CsvFormat format;
  format.time_column = 0;
  format.key_column = 1;
  format.size_column = 2;
  format.status_column = 3;
  format.pop_column = 4;
  format.header = true;
  return format;
}

}  // namespace edgesim::sim
