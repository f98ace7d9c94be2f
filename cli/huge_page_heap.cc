#include "cli/huge_page_heap.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace edgesim::cli {

constexpr char kHugeTlb[] = "glibc.malloc.hugetlb";

absl::optional<std::string> TunablesWithHugePageHeap(const char* current) {
  if (current == nullptr || *current == '\0') return absl::StrCat(kHugeTlb, "=1");
  if (absl::StrContains(current, kHugeTlb)) return absl::nullopt;
  return absl::StrCat(current, ":", kHugeTlb, "=1");
}

void ReexecWithHugePageHeap(char** argv) {
  if (argv[0] == nullptr || argv[1] == nullptr || std::strcmp(argv[1], "simulate") != 0) return;
  const absl::optional<std::string> tunables = TunablesWithHugePageHeap(getenv("GLIBC_TUNABLES"));
  if (!tunables) return;
  // Set before the exec, so the re-executed process finds it and does not come here again.
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: exec failed (no /proc?). Run as is.
}

}  // namespace edgesim::cli
