#include "emulator/demo_origin.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/stored_response.h"
#include "policy/http_date.h"

namespace edgesim::emulator {
namespace {

struct DemoFile {
  const char* path;
  const char* content_type;
  const char* cache_control;
  const char* body;
};

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kBriefly[] = "max-age=30";
constexpr char kForAYear[] = "max-age=31536000, immutable";

const DemoFile kFiles[] = {
    {"/index.html", kHtml, kBriefly,
     "<!doctype html><title>edgesim demo</title><link rel=stylesheet "
     "href=/assets/style.8e2b4d.css><h1>Hello from the edge</h1><a href=/about.html>About</a>"
     "<script src=/assets/app.3f9a1c.js></script>\n"},
    {"/about.html", kHtml, kBriefly,
     "<!doctype html><title>About</title><p>Served by edgesim's demo origin.</p>\n"},
    {"/assets/app.3f9a1c.js", "application/javascript", kForAYear,
     "document.querySelector('h1').textContent += ' (cached for a year)';\n"},
    {"/assets/style.8e2b4d.css", "text/css", kForAYear, "h1{font-family:sans-serif}\n"},
};

constexpr char kNotFound[] = "<!doctype html><title>404</title><p>Not found.</p>\n";

// One fixed modification time, so validators are stable across runs.
const absl::Time kLastModified = absl::FromUnixSeconds(1'700'000'000);

std::string ETagOf(absl::string_view body) {
  return absl::StrFormat("\"%016x\"", std::hash<std::string_view>{}(std::string_view(body.data(), body.size())));
}

}  // namespace

const std::vector<std::string>& DemoOrigin::Paths() {
  static const auto* const kPaths = [] {
    auto* paths = new std::vector<std::string>();
    for (const DemoFile& f : kFiles) paths->push_back(f.path);
    return paths;
  }();
  return *kPaths;
}

absl::StatusOr<core::OriginResponse> DemoOrigin::Fetch(const core::OriginRequest& request,
                                                       absl::Time now) {
  fetches_.fetch_add(1, std::memory_order_relaxed);
  const absl::string_view path = request.forwarded.path();
  const DemoFile* file = std::find_if(std::begin(kFiles), std::end(kFiles),
                                      [&](const DemoFile& f) { return path == f.path; });
  core::OriginResponse r;
  r.head.headers.Add("Date", policy::FormatHttpDate(now));
  r.head.headers.Add("Server", "edgesim-demo-origin");
  if (file == std::end(kFiles)) {
    r.head.status = 404;
    r.head.headers.Add("Content-Type", kHtml);
    r.body = core::MakeBody(kNotFound);
    r.body_size = r.body->size();
    return r;
  }
  const std::string etag = ETagOf(file->body);
  r.head.headers.Add("Content-Type", file->content_type);
  r.head.headers.Add("Cache-Control", file->cache_control);
  r.head.headers.Add("ETag", etag);
  r.head.headers.Add("Last-Modified", policy::FormatHttpDate(kLastModified));
  if (request.forwarded.headers.Get("If-None-Match") == absl::string_view(etag)) {
    r.head.status = 304;
    return r;
  }
  r.body = core::MakeBody(file->body);
  r.body_size = r.body->size();
  return r;
}

}  // namespace edgesim::emulator
