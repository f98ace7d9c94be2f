#include "emulator/access_log_record.h"

#include "emulator/demo_origin.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"

namespace edgesim::emulator {
namespace {

TEST(AccessLogRecordTest, RequestAnswerAndConnectionFacts) {
  policy::Distribution d = policy::SingleOriginDistribution("demo", policy::CachePolicy());
  d.domain_name = "d1.cloudfront.net";
  auto live = LiveDistribution::Create(std::move(d), {.pops = {"IAD89-C1", "FRA56-P1"}},
                                       std::make_unique<DemoOrigin>());
  ASSERT_TRUE(live.ok()) << live.status();
  ViewerExchange x;
  x.request = policy::Request::Get("/a.html?x=1");
  x.request.headers = {{"Host", "www.example.com"}, {"User-Agent", "curl/8"}};
  x.id = policy::MakeRequestId(1, 1);
  x.distribution = live->get();
  x.pop = 1;
  x.answer.outcome = policy::CacheOutcome::kHit;
  x.answer.viewer.status = 200;
  x.answer.viewer.headers = {{"Content-Type", "text/html"}};
  const ConnectionFacts facts{.c_ip = "127.0.0.1",
                              .c_port = 5555,
                              .cs_bytes = 80,
                              .sc_bytes = 300,
                              .time = absl::FromUnixSeconds(1'700'000'000),
                              .content_length = 100};
  policy::AccessLogRecord r = AccessLogRecordFor(x, facts);
  EXPECT_EQ(r.edge_location, "FRA56-P1");
  EXPECT_EQ(r.host, "d1.cloudfront.net");  // cs(Host) is the distribution's, SPEC 8.2
  EXPECT_EQ(r.host_header, "www.example.com");
  EXPECT_EQ(r.uri_stem, "/a.html");
  EXPECT_EQ(r.uri_query, "x=1");
  EXPECT_EQ(r.user_agent, "curl/8");
  EXPECT_EQ(r.request_id, std::string(x.id.view()));
  EXPECT_EQ(r.result_type, "Hit");
  EXPECT_EQ(r.detailed_result_type, "Hit");
  EXPECT_EQ(r.content_type, "text/html");
  EXPECT_EQ(r.content_len, 100u);
  EXPECT_EQ(r.sc_bytes, 300u);
  EXPECT_EQ(r.c_port, 5555);
  EXPECT_EQ(r.protocol, "http");
  EXPECT_EQ(r.ssl_protocol, "");  // written "-"

  // SPEC 8.2: over TLS, cs-protocol and the handshake's protocol and cipher.
  x.request.https = true;
  ConnectionFacts handshake = facts;
  handshake.ssl_protocol = "TLSv1.3";
  handshake.ssl_cipher = "TLS_AES_256_GCM_SHA384";
  r = AccessLogRecordFor(x, handshake);
  EXPECT_EQ(r.protocol, "https");
  EXPECT_EQ(r.ssl_protocol, "TLSv1.3");
  EXPECT_EQ(r.ssl_cipher, "TLS_AES_256_GCM_SHA384");
  x.request.https = false;

  ConnectionFacts hung_up = facts;
  hung_up.hung_up = true;  // SPEC 8.3
  r = AccessLogRecordFor(x, hung_up);
  EXPECT_EQ(r.result_type, "Error");
  EXPECT_EQ(r.response_result_type, "Hit");
  EXPECT_EQ(r.detailed_result_type, "ClientCommError");

  // SPEC 4.3, 8.3: the origin cut the body short: the status stands, the result is an Error.
  x.answer.outcome = policy::CacheOutcome::kMiss;
  x.answer.truncated = true;
  r = AccessLogRecordFor(x, facts);
  EXPECT_EQ(r.sc_status, 200);
  EXPECT_EQ(r.result_type, "Error");
  EXPECT_EQ(r.response_result_type, "Miss");
  EXPECT_EQ(r.detailed_result_type, "OriginCommError");
}

}  // namespace
}  // namespace edgesim::emulator
