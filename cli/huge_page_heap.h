// huge_page_heap.h — `edgesim simulate` runs with glibc's heap on transparent huge pages.
//
// A full-model replay allocates gigabytes in small pieces (decoded records, stored responses,
// their headers). On 4 KiB pages that costs a page fault per page and TLB misses all through the
// store; on 2 MiB pages the same replay ran 9–18 % faster here (bench/RESULTS.md). glibc (2.35+)
// puts its heap on huge pages only when GLIBC_TUNABLES says so at start-up, so `simulate`
// re-executes itself once with the tunable added. A user's own hugetlb setting stands.
//
//   int main(int argc, char** argv) {
//     edgesim::cli::ReexecWithHugePageHeap(argv);   // returns unless it re-executed
//     ...
//   }
#pragma once

#include <string>

#include "absl/types/optional.h"

namespace edgesim::cli {

// The GLIBC_TUNABLES value that adds glibc.malloc.hugetlb=1 to `current` (nullptr: unset), or
// nullopt when `current` already sets glibc.malloc.hugetlb.
absl::optional<std::string> TunablesWithHugePageHeap(const char* current);

// For `edgesim simulate ...`: re-executes /proc/self/exe with the tunable added. Returns, doing
// nothing, for other subcommands, when the tunable is already set, or when exec fails.
void ReexecWithHugePageHeap(char** argv);

}  // namespace edgesim::cli
