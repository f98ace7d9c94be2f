// app.h — the `edgesim` command line: parses flags and dispatches to a subcommand.
//
// Kept apart from main() so tests can run whole command lines in-process and read what they print.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace edgesim::cli {

// Every subcommand's exit status.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a runtime failure, or a scenario's expectation missed
inline constexpr int kExitInvalid = 2;  // bad usage or invalid input

// Prints "edgesim: <message>" to `err` and returns `code`: how every subcommand reports a failure.
int Fail(std::ostream& err, const absl::Status& status, int code = kExitInvalid);

// Runs `edgesim ARGS...` (args excludes the program name). Returns the process exit code:
// 0 success, 1 runtime failure, 2 bad usage or invalid input.
int RunApp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace edgesim::cli
