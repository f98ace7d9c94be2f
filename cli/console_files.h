// console_files.h — the live console's page files (cli/console/: console.html, .css, .js),
// embedded into the binary at build time by cmake/embed_files.cmake, so `edgesim serve` serves
// the page offline and without data files (cli/console.h).
//
//   const EmbeddedFile* f = FindConsoleFile("console.js");
//   f->bytes;   // the file as checked in
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace edgesim::cli {

struct EmbeddedFile {
  absl::string_view name;  // the base name, e.g. "console.html"
  absl::string_view bytes;
};

// Defined in the generated console_files.cc.
extern const EmbeddedFile kConsoleFiles[];
extern const size_t kConsoleFilesCount;

// The file named `name`, or null.
const EmbeddedFile* FindConsoleFile(absl::string_view name);

}  // namespace edgesim::cli
