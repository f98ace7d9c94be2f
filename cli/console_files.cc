#include "cli/console_files.h"

namespace edgesim::cli {

const EmbeddedFile* FindConsoleFile(absl::string_view name) {
  for (size_t i = 0; i < kConsoleFilesCount; ++i) {
    if (kConsoleFiles[i].name == name) return &kConsoleFiles[i];
  }
  return nullptr;
}

}  // namespace edgesim::cli
