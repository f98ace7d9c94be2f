// Flag and config errors of `edgesim serve`, in process (they fail before anything listens);
// tests/emulator/edge_server_test.cc runs the server itself.
#include "cli/serve.h"

#include <sstream>

#include "absl/strings/match.h"
#include "cli/app.h"
#include "gtest/gtest.h"

namespace edgesim::cli {
namespace {

int RunServeCommand(std::vector<std::string> args, std::string* err_text) {
  std::ostringstream out, err;
  const int code = RunApp(args, out, err);
  *err_text = err.str();
  return code;
}

TEST(ServeTest, BadAddressesAreUsageErrors) {
  std::string err;
  EXPECT_EQ(RunServeCommand({"serve", "--listen", "8080"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "--listen \"8080\" is not HOST:PORT")) << err;
  EXPECT_EQ(RunServeCommand({"serve", "--api", "127.0.0.1:99999"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "--api")) << err;
  EXPECT_EQ(RunServeCommand({"serve", "--listen", "not-an-ip:0", "--api", "127.0.0.1:0"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "bad address")) << err;
}

TEST(ServeTest, ConfigAndOriginDirErrorsNameTheirSource) {
  std::string err;
  EXPECT_EQ(RunServeCommand({"serve", "--config", "/nonexistent/site.json"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "/nonexistent/site.json: cannot open")) << err;
  EXPECT_EQ(RunServeCommand({"serve", "--origin-dir", "nodirectory"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "ORIGIN_ID=DIRECTORY")) << err;
  EXPECT_EQ(RunServeCommand({"serve", "--pops", ","}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "--pops")) << err;
}

TEST(ServeTest, ApiDelayFlagsAreChecked) {
  std::string err;
  EXPECT_EQ(RunServeCommand({"serve", "--invalidation-delay", "-1"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "--invalidation-delay")) << err;
  EXPECT_EQ(RunServeCommand({"serve", "--deploy-delay", "soon"}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "--deploy-delay")) << err;
  for (const char* bad : {"NOPE1=3", "IAD89-C1=-2", "x", "=3"}) {
    EXPECT_EQ(RunServeCommand({"serve", "--propagation-delay", bad}, &err), 2) << bad;
    EXPECT_TRUE(absl::StrContains(err, "is not [POP=]SECONDS")) << err;
  }
}

TEST(ServeTest, ViewerConnectionFlagsAreChecked) {
  std::string err;
  for (const char* flag : {"--viewer-idle-timeout", "--viewer-read-timeout",
                           "--viewer-write-timeout", "--max-viewer-connections"}) {
    EXPECT_EQ(RunServeCommand({"serve", flag, "0"}, &err), 2) << flag;
    EXPECT_TRUE(absl::StrContains(err, flag)) << err;
  }
}

TEST(ServeTest, TheSameConfigTwiceIsRefused) {
  std::string err;
  const std::string config = EDGESIM_SOURCE_DIR "/tests/testdata/dist-config-minimal.json";
  EXPECT_EQ(RunServeCommand({"serve", "--config", config, "--config", config}, &err), 2);
  EXPECT_TRUE(absl::StrContains(err, "already exists")) << err;
}

}  // namespace
}  // namespace edgesim::cli
