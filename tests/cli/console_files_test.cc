// The console's files as embedded at build time (cmake/embed_files.cmake): byte for byte the
// checked-in cli/console/ files, and the page names the others by the paths they are served at.
#include "cli/console_files.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace edgesim::cli {
namespace {

std::string CheckedInConsoleFile(const std::string& name) {
  std::ifstream in(std::string(EDGESIM_SOURCE_DIR) + "/cli/console/" + name, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(ConsoleFilesTest, EmbedsEachFileByteForByte) {
  ASSERT_EQ(kConsoleFilesCount, 3u);
  for (const char* name : {"console.html", "console.css", "console.js"}) {
    const EmbeddedFile* f = FindConsoleFile(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->name, name);
    EXPECT_TRUE(f->bytes == CheckedInConsoleFile(name)) << name << " differs from cli/console/";
  }
  EXPECT_EQ(FindConsoleFile("missing.js"), nullptr);
}

TEST(ConsoleFilesTest, ThePageLoadsItsScriptAndStyleFromThisServerOnly) {
  const absl::string_view html = FindConsoleFile("console.html")->bytes;
  EXPECT_TRUE(absl::StrContains(html, R"(src="/_edgesim/console/console.js")"));
  EXPECT_TRUE(absl::StrContains(html, R"(href="/_edgesim/console/console.css")"));
  EXPECT_FALSE(absl::StrContains(html, "http://"));
  EXPECT_FALSE(absl::StrContains(html, "https://"));
  EXPECT_FALSE(absl::StrContains(html, "<script>"));  // nothing inline: the CSP forbids it
}

}  // namespace
}  // namespace edgesim::cli
