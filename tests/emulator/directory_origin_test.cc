#include "emulator/directory_origin.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "policy/http_date.h"

namespace edgesim::emulator {
namespace {

namespace fs = std::filesystem;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);

void Write(const fs::path& path, absl::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A scratch tree: DIR = <tmp>/site, with a secret beside it (outside DIR).
class DirectoryOriginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char base[] = "/tmp/edgesim-dir-XXXXXX";
    ASSERT_NE(::mkdtemp(base), nullptr);
    base_ = base;
    dir_ = base_ / "site";
    Write(dir_ / "index.html", "<h1>home</h1>");
    Write(dir_ / "assets" / "app.3f2a.js", "console.log(1)");
    Write(dir_ / "a b.txt", "spaced");
    Write(dir_ / "data.bin", "\x01\x02");
    Write(base_ / "secret.txt", "outside");
    fs::create_symlink(dir_ / "index.html", dir_ / "home.html");
    fs::create_symlink(base_ / "secret.txt", dir_ / "escape.txt");
    fs::create_directory_symlink(base_, dir_ / "up");
  }
  void TearDown() override { fs::remove_all(base_); }

  std::unique_ptr<DirectoryOrigin> Make(CacheControlRules rules = {}) {
    absl::StatusOr<std::unique_ptr<DirectoryOrigin>> d =
        DirectoryOrigin::Create(dir_.string(), std::move(rules));
    EXPECT_TRUE(d.ok()) << d.status();
    return *std::move(d);
  }

  static core::OriginResponse Serve(const DirectoryOrigin& d, policy::Request r) {
    absl::StatusOr<core::OriginResponse> got = d.Serve(r, kNow);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *std::move(got) : core::OriginResponse{};
  }
  static core::OriginResponse Get(const DirectoryOrigin& d, absl::string_view target) {
    return Serve(d, policy::Request::Get(target));
  }
  static std::string Body(const core::OriginResponse& r) { return r.body ? *r.body : ""; }
  static std::string Header(const core::OriginResponse& r, absl::string_view name) {
    return std::string(r.head.headers.Get(name).value_or(""));
  }

  fs::path base_;
  fs::path dir_;
};

TEST_F(DirectoryOriginTest, ServesFilesWithTypeLengthAndValidators) {
  auto d = Make();
  const core::OriginResponse r = Get(*d, "/assets/app.3f2a.js?v=1");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(Body(r), "console.log(1)");
  EXPECT_EQ(Header(r, "Content-Type"), "text/javascript");
  EXPECT_EQ(Header(r, "Content-Length"), "14");
  EXPECT_EQ(Header(r, "Date"), policy::FormatHttpDate(kNow));
  const absl::Time mtime = absl::FromChrono(
      std::chrono::file_clock::to_sys(fs::last_write_time(dir_ / "assets" / "app.3f2a.js")));
  EXPECT_EQ(Header(r, "Last-Modified"), policy::FormatHttpDate(mtime));
  EXPECT_FALSE(absl::StartsWith(Header(r, "ETag"), "W/"));
  EXPECT_TRUE(absl::EndsWith(Header(r, "ETag"), "-e\""));  // size 14 in hex
  EXPECT_FALSE(r.head.headers.Has("Cache-Control"));
  EXPECT_EQ(Header(Get(*d, "/index.html"), "Content-Type"), "text/html");
  EXPECT_EQ(Header(Get(*d, "/data.bin"), "Content-Type"), "application/octet-stream");
  EXPECT_EQ(Body(Get(*d, "/a%20b.txt")), "spaced");
}

TEST_F(DirectoryOriginTest, EtagChangesWithTheFile) {
  auto d = Make();
  const std::string before = Header(Get(*d, "/index.html"), "ETag");
  Write(dir_ / "index.html", "<h1>home, longer</h1>");
  EXPECT_NE(Header(Get(*d, "/index.html"), "ETag"), before);
}

TEST_F(DirectoryOriginTest, ConditionalRequestsAreNotModified) {
  auto d = Make({{"*.html", "no-cache"}});
  const core::OriginResponse full = Get(*d, "/index.html");
  policy::Request by_etag = policy::Request::Get("/index.html");
  by_etag.headers.Add("If-None-Match", Header(full, "ETag"));
  const core::OriginResponse r = Serve(*d, by_etag);
  EXPECT_EQ(r.head.status, 304);
  EXPECT_EQ(r.body, nullptr);
  EXPECT_EQ(Header(r, "ETag"), Header(full, "ETag"));
  EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");

  policy::Request by_date = policy::Request::Get("/index.html");
  by_date.headers.Add("If-Modified-Since", Header(full, "Last-Modified"));
  EXPECT_EQ(Serve(*d, by_date).head.status, 304);

  policy::Request stale = policy::Request::Get("/index.html");
  stale.headers.Add("If-None-Match", "\"other\"");
  EXPECT_EQ(Serve(*d, stale).head.status, 200);
}

TEST_F(DirectoryOriginTest, HeadHasNoBodyAndOtherMethodsAre405) {
  auto d = Make();
  policy::Request head = policy::Request::Get("/index.html");
  head.method = "HEAD";
  const core::OriginResponse r = Serve(*d, head);
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.body, nullptr);
  EXPECT_EQ(Header(r, "Content-Length"), "13");
  policy::Request post = policy::Request::Get("/index.html");
  post.method = "POST";
  const core::OriginResponse refused = Serve(*d, post);
  EXPECT_EQ(refused.head.status, 405);
  EXPECT_EQ(Header(refused, "Allow"), "GET, HEAD");
}

TEST_F(DirectoryOriginTest, CacheControlFromFlagRulesThenTheRulesFile) {
  Write(dir_ / ".edgesim-cache-control",
        "# hashed assets are immutable\n"
        "/assets/*   public, max-age=31536000, immutable\n"
        "\n"
        "*.html no-cache\n");
  auto d = Make({{"/index.html", "max-age=5"}});
  EXPECT_EQ(Header(Get(*d, "/assets/app.3f2a.js"), "Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(Get(*d, "/index.html"), "Cache-Control"), "max-age=5");  // the flag wins
  EXPECT_EQ(Header(Get(*d, "/home.html"), "Cache-Control"), "no-cache");
  EXPECT_FALSE(Get(*d, "/a%20b.txt").head.headers.Has("Cache-Control"));
  EXPECT_EQ(Get(*d, "/.edgesim-cache-control").head.status, 404);
}

TEST_F(DirectoryOriginTest, MalformedRulesFileIsRejectedWithItsLine) {
  Write(dir_ / ".edgesim-cache-control", "*.html no-cache\n/assets/*\n");
  absl::StatusOr<std::unique_ptr<DirectoryOrigin>> d = DirectoryOrigin::Create(dir_.string(), {});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(d.status().message(), ".edgesim-cache-control:2")) << d.status();
}

TEST_F(DirectoryOriginTest, NotADirectoryIsRejected) {
  EXPECT_FALSE(DirectoryOrigin::Create((dir_ / "index.html").string(), {}).ok());
  EXPECT_FALSE(DirectoryOrigin::Create((dir_ / "missing").string(), {}).ok());
}

TEST_F(DirectoryOriginTest, MissingFilesAndDirectoriesAre404) {
  auto d = Make();
  EXPECT_EQ(Get(*d, "/nope.html").head.status, 404);
  EXPECT_EQ(Get(*d, "/").head.status, 404);
  EXPECT_EQ(Get(*d, "/assets").head.status, 404);
  EXPECT_EQ(Get(*d, "/assets/").head.status, 404);
}

TEST_F(DirectoryOriginTest, NoPathEscapesTheDirectory) {
  auto d = Make();
  for (absl::string_view target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2fsecret.txt",
        "/index.html%00", "/index%", "/index%zz", "relative.txt"}) {
    const core::OriginResponse r = Get(*d, target);
    EXPECT_EQ(r.head.status, 400) << target;
    EXPECT_FALSE(absl::StrContains(Body(r), "outside")) << target;
  }
  // Symlinks inside the tree work; out of it they are not there.
  EXPECT_EQ(Body(Get(*d, "/home.html")), "<h1>home</h1>");
  EXPECT_EQ(Get(*d, "/escape.txt").head.status, 404);
  EXPECT_EQ(Get(*d, "/up/secret.txt").head.status, 404);
  // What a path resolves to decides, not the way there: up/site/ leads back inside.
  EXPECT_EQ(Get(*d, "/up/site/index.html").head.status, 200);
}

TEST_F(DirectoryOriginTest, FileOverTheBodyLimitIsAnError) {
  absl::StatusOr<std::unique_ptr<DirectoryOrigin>> d =
      DirectoryOrigin::Create(dir_.string(), {}, /*max_body_bytes=*/4);
  ASSERT_TRUE(d.ok());
  absl::StatusOr<core::OriginResponse> r = (*d)->Serve(policy::Request::Get("/index.html"), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace edgesim::emulator
