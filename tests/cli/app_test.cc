#include "cli/app.h"

#include <sstream>

#include "gtest/gtest.h"

namespace edgesim::cli {
namespace {

TEST(AppTest, VersionPrintsTheVersion) {
  std::ostringstream out, err;
  EXPECT_EQ(RunApp({"version"}, out, err), 0);
  EXPECT_EQ(out.str(), "edgesim 0.1.0\n");
}

TEST(AppTest, UnknownSubcommandIsAUsageError) {
  std::ostringstream out, err;
  EXPECT_EQ(RunApp({"frobnicate"}, out, err), 2);
  EXPECT_FALSE(err.str().empty());
}

}  // namespace
}  // namespace edgesim::cli
