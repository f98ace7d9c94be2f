// app_run.h — runs a whole `edgesim` command line in-process (cli::RunApp) and keeps what it
// printed, for the CLI's tests.
//
//   const AppRun r = Edgesim({"simulate", scenario, "--out", dir});
//   EXPECT_EQ(r.code, kExitOk) << r.err;
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"

namespace edgesim::cli {

struct AppRun {
  int code;
  std::string out, err;
};

inline AppRun Edgesim(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunApp(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace edgesim::cli
