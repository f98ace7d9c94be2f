#include "policy/status_macros.h"

#include <cstdio>
#include <cstdlib>

namespace edgesim::policy::internal {

void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: EDGESIM_CHECK failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace edgesim::policy::internal
