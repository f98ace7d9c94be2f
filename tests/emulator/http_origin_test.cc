#include "emulator/http_origin.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/emulator/faulty_origin.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/local_https_server.h"

namespace edgesim::emulator {
namespace {

policy::Origin FastOrigin(int attempts = 1) {
  policy::Origin o;
  o.connection_attempts = attempts;
  o.connection_timeout = absl::Seconds(2);
  o.read_timeout = absl::Milliseconds(300);
  return o;
}

policy::Request Get(absl::string_view target) {
  policy::Request r = policy::Request::Get(target);
  r.headers.Add("Host", "origin.example");
  return r;
}

TEST(HttpOriginClientTest, ReturnsStatusHeadersAndBodyAndSendsTheRequestHeaders) {
  LocalHttpServer origin;
  std::string seen_host, seen_custom;
  origin.server().Get("/a.js", [&](const httplib::Request& req, httplib::Response& res) {
    seen_host = req.get_header_value("Host");
    seen_custom = req.get_header_value("X-Custom");
    res.status = 203;
    res.set_header("Cache-Control", "max-age=60");
    res.set_header("ETag", "\"v1\"");
    res.set_content("console.log(1)", "application/javascript");
  });
  HttpOriginClient client({});
  policy::Request get = Get("/a.js");
  get.headers.Add("X-Custom", "yes");
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), get);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 203);
  EXPECT_EQ(r->head.headers.Get("Cache-Control").value_or(""), "max-age=60");
  EXPECT_EQ(r->head.headers.Get("ETag").value_or(""), "\"v1\"");
  EXPECT_EQ(r->head.headers.Get("Content-Type").value_or(""), "application/javascript");
  ASSERT_NE(r->body, nullptr);
  EXPECT_EQ(*r->body, "console.log(1)");
  EXPECT_EQ(r->body_size, 14u);
  EXPECT_TRUE(r->complete);
  EXPECT_EQ(seen_host, "origin.example");
  EXPECT_EQ(seen_custom, "yes");
}

TEST(HttpOriginClientTest, HeadReadsNoBody) {
  LocalHttpServer origin;
  origin.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(5000, 'x'), "text/plain");
  });
  HttpOriginClient client({});
  policy::Request head = Get("/big");
  head.method = "HEAD";
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), head);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(r->body_size, 0u);
  // The connection stays usable after a bodiless answer.
  ASSERT_TRUE(client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), Get("/big")).ok());
  EXPECT_EQ(origin.connections(), 1);
}

TEST(HttpOriginClientTest, ReusesKeepAliveConnections) {
  LocalHttpServer origin;
  origin.server().Get(R"(/n/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.matches[1].str(), "text/plain");
  });
  HttpOriginClient client({});
  const HttpEndpoint endpoint{"127.0.0.1", origin.port()};
  // httplib closes a connection after 5 requests (keep_alive_max_count): stay below.
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<core::OriginResponse> r =
        client.Fetch(endpoint, FastOrigin(), Get(absl::StrCat("/n/", i)));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r->body, absl::StrCat(i));
  }
  EXPECT_EQ(origin.requests(), 4);
  EXPECT_EQ(origin.connections(), 1);
  EXPECT_EQ(client.IdleConnections(endpoint), 1);
}

// OriginKeepaliveTimeout: an idle connection past it is closed, not reused (0 s here, so the test
// needs no waiting).
TEST(HttpOriginClientTest, IdleConnectionsPastTheKeepaliveTimeoutAreNotReused) {
  LocalHttpServer origin;
  origin.server().Get("/k", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("k", "text/plain");
  });
  HttpOriginClient client({});
  policy::Origin settings = FastOrigin();
  settings.keepalive_timeout = absl::ZeroDuration();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Fetch({"127.0.0.1", origin.port()}, settings, Get("/k")).ok());
  }
  EXPECT_EQ(origin.connections(), 3);
}

TEST(HttpOriginClientTest, ConcurrentCallersEachGetTheirAnswerAndThePoolStaysBounded) {
  LocalHttpServer origin;
  origin.server().Get(R"(/n/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.matches[1].str(), "text/plain");
  });
  HttpOriginClient client({.max_idle_connections = 2});
  const HttpEndpoint endpoint{"127.0.0.1", origin.port()};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string n = absl::StrCat(t * 100 + i);
        absl::StatusOr<core::OriginResponse> r =
            client.Fetch(endpoint, FastOrigin(), Get(absl::StrCat("/n/", n)));
        if (!r.ok() || *r->body != n) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(origin.requests(), 80);
  EXPECT_LE(client.IdleConnections(endpoint), 2);
  // Connections are reused: far fewer than one per request.
  EXPECT_LT(origin.connections(), 80);
}

TEST(HttpOriginClientTest, ConnectionRefusedIsUnavailableAfterEveryAttempt) {
  HttpOriginClient client({});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", UnusedLoopbackPort()}, FastOrigin(3), Get("/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "cannot connect")) << r.status();
}

TEST(HttpOriginClientTest, UnresolvableHostIsUnavailable) {
  HttpOriginClient client({});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"no-such-host.invalid", 80}, FastOrigin(), Get("/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST(HttpOriginClientTest, SilentOriginIsDeadlineExceededAndGetIsRetriedPerConnectionAttempts) {
  LocalHttpServer origin;
  origin.server().Get("/slow", origin.Hang());
  HttpOriginClient client({});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(2), Get("/slow"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "OriginReadTimeout")) << r.status();
  // SPEC 7.3: each timed-out attempt is dropped and a new connection asks again.
  EXPECT_EQ(origin.requests(), 2);
  EXPECT_EQ(origin.connections(), 2);
}

TEST(HttpOriginClientTest, SilentOriginIsNotRetriedForPost) {
  LocalHttpServer origin;
  origin.server().Post("/slow", origin.Hang());
  HttpOriginClient client({});
  policy::Request post = Get("/slow");
  post.method = "POST";
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(3), post);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_EQ(origin.requests(), 1);
}

TEST(HttpOriginClientTest, BodyOverTheBoundIsAnError) {
  LocalHttpServer origin;
  origin.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(5000, 'x'), "text/plain");
  });
  HttpOriginClient client({.max_body_bytes = 1000});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), Get("/big"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
  EXPECT_EQ(origin.requests(), 1);  // not retried
}

TEST(HttpOriginClientTest, HeaderOverTheBoundIsAnError) {
  LocalHttpServer origin;
  origin.server().Get("/h", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Big", std::string(4000, 'h'));
    res.set_content("ok", "text/plain");
  });
  HttpOriginClient client({.max_header_bytes = 1024});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), Get("/h"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
}

// SPEC 4.3: a body short of its Content-Length is an answer, marked incomplete (not cached).
TEST(HttpOriginClientTest, TruncatedContentLengthIsAnIncompleteAnswer) {
  FaultyOrigin origin(FaultyOrigin::Bytes(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nETag: \"t\"\r\n\r\nonly-this"));
  HttpOriginClient client({});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), Get("/t"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(*r->body, "only-this");
  EXPECT_FALSE(r->complete);
}

// SPEC 4.3: a reset mid-body, or chunking that never ends, cuts the body short just the same.
TEST(HttpOriginClientTest, ResetMidBodyAndUnfinishedChunkingAreIncompleteAnswers) {
  FaultyOrigin reset(
      FaultyOrigin::ResetAfter("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome"));
  FaultyOrigin chunked(FaultyOrigin::Bytes(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nsome\r\n10\r\nmo"));
  HttpOriginClient client({});
  for (const FaultyOrigin* origin : {&reset, &chunked}) {
    absl::StatusOr<core::OriginResponse> r =
        client.Fetch({"127.0.0.1", origin->port()}, FastOrigin(), Get("/r"));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->head.status, 200);
    EXPECT_FALSE(r->complete);
    EXPECT_TRUE(absl::StartsWith(*r->body, "some")) << *r->body;
  }
}

// Shutting down: a fetch waiting on a silent origin (OriginReadTimeout 60 s) ends at Abandon,
// and later fetches are refused at once.
TEST(HttpOriginClientTest, AbandonEndsTheFetchesInFlightAndRefusesNewOnes) {
  FaultyOrigin origin(FaultyOrigin::Hang());
  HttpOriginClient client({});
  policy::Origin patient = FastOrigin();
  patient.read_timeout = absl::Seconds(60);
  absl::Status status;
  std::thread fetch([&] {
    status = client.Fetch({"127.0.0.1", origin.port()}, patient, Get("/h")).status();
  });
  while (origin.accepted() == 0) std::this_thread::yield();
  client.Abandon();
  fetch.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  EXPECT_EQ(client.Fetch({"127.0.0.1", origin.port()}, patient, Get("/h")).status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(origin.accepted(), 1);
}

// SPEC 7.3: ResponseCompletionTimeout bounds the whole answer where OriginReadTimeout bounds
// only each gap: a trickle is cut at it (an incomplete answer), a silent origin is a timeout.
TEST(HttpOriginClientTest, ResponseCompletionTimeoutCutsATrickleAndTimesOutSilence) {
  FaultyOrigin trickle(FaultyOrigin::Trickle("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n",
                                             std::string(40, 'x'), absl::Milliseconds(50)));
  FaultyOrigin silent(FaultyOrigin::Hang());
  HttpOriginClient client({});
  policy::Origin bounded = FastOrigin();
  bounded.read_timeout = absl::Seconds(60);
  bounded.response_completion_timeout = absl::Milliseconds(500);
  absl::StatusOr<core::OriginResponse> cut =
      client.Fetch({"127.0.0.1", trickle.port()}, bounded, Get("/t"));
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_FALSE(cut->complete);
  EXPECT_LT(cut->body_size, 40u);
  absl::StatusOr<core::OriginResponse> none =
      client.Fetch({"127.0.0.1", silent.port()}, bounded, Get("/s"));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kDeadlineExceeded) << none.status();
  EXPECT_TRUE(absl::StrContains(none.status().message(), "ResponseCompletionTimeout"));
  // Unset, the same trickle completes: each gap is well within OriginReadTimeout.
  bounded.response_completion_timeout.reset();
  absl::StatusOr<core::OriginResponse> whole =
      client.Fetch({"127.0.0.1", trickle.port()}, bounded, Get("/t"));
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_TRUE(whole->complete);
  EXPECT_EQ(whole->body_size, 40u);
}

// SPEC 4.3: without Content-Length or chunking the close ends the body: complete.
TEST(HttpOriginClientTest, CloseDelimitedBodyIsComplete) {
  FaultyOrigin origin(
      FaultyOrigin::Bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close"));
  HttpOriginClient client({});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), Get("/c"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r->body, "until-close");
  EXPECT_TRUE(r->complete);
  EXPECT_EQ(client.IdleConnections({"127.0.0.1", origin.port()}), 0);
}

// The origin closed a pooled connection while it was idle: a new one replaces it, no error.
TEST(HttpOriginClientTest, ConnectionClosedByTheOriginIsReplaced) {
  FaultyOrigin origin(FaultyOrigin::Bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  HttpOriginClient client({});
  const HttpEndpoint endpoint{"127.0.0.1", origin.port()};
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<core::OriginResponse> r = client.Fetch(endpoint, FastOrigin(1), Get("/k"));
    ASSERT_TRUE(r.ok()) << i << ": " << r.status();
    EXPECT_EQ(*r->body, "ok");
  }
  EXPECT_EQ(origin.accepted(), 3);
}

TEST(HttpOriginClientTest, GarbageIsDataLoss) {
  FaultyOrigin origin(FaultyOrigin::Bytes("this is not HTTP\r\n\r\n"));
  HttpOriginClient client({});
  absl::StatusOr<core::OriginResponse> r =
      client.Fetch({"127.0.0.1", origin.port()}, FastOrigin(), Get("/g"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
}

// ---- TLS origins ----------------------------------------------------------------------------

TEST(HttpOriginClientTest, HttpsOriginsAreVerifiedAgainstTheSystemStoreAndTheGivenCa) {
  LocalHttpsServer origin;
  origin.server().Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(absl::StrCat("secure ", req.path), "text/plain");
  });
  HttpOriginClient trusting({.ca_file = origin.ca_file()});
  for (const char* host : {"127.0.0.1", "localhost"}) {
    absl::StatusOr<core::OriginResponse> r =
        trusting.Fetch({host, origin.port(), /*tls=*/true}, FastOrigin(), Get("/a"));
    ASSERT_TRUE(r.ok()) << host << ": " << r.status();
    EXPECT_EQ(r->head.status, 200);
    EXPECT_EQ(*r->body, "secure /a");
  }
  EXPECT_EQ(trusting.IdleConnections({"127.0.0.1", origin.port(), true}), 1);
  EXPECT_EQ(trusting.IdleConnections({"127.0.0.1", origin.port(), false}), 0);

  // The system's CAs alone do not know the origin's certificate: no connection (502).
  HttpOriginClient system_only({});
  absl::StatusOr<core::OriginResponse> refused =
      system_only.Fetch({"127.0.0.1", origin.port(), true}, FastOrigin(), Get("/a"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "TLS handshake failed"))
      << refused.status();
}

TEST(HttpOriginClientTest, ACaFileThatDoesNotLoadFailsTlsFetchesOnly) {
  LocalHttpServer plain;
  plain.server().Get("/p", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("plain", "text/plain");
  });
  HttpOriginClient client({.ca_file = "/nonexistent/ca.pem"});
  EXPECT_TRUE(client.Fetch({"127.0.0.1", plain.port()}, FastOrigin(), Get("/p")).ok());
  absl::StatusOr<core::OriginResponse> tls =
      client.Fetch({"127.0.0.1", plain.port(), true}, FastOrigin(), Get("/p"));
  EXPECT_EQ(tls.status().code(), absl::StatusCode::kFailedPrecondition) << tls.status();
  EXPECT_TRUE(absl::StrContains(tls.status().message(), "/nonexistent/ca.pem"));
}

}  // namespace
}  // namespace edgesim::emulator
