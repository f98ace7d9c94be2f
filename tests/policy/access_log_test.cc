// SPEC 8's access log: the legacy field list, writing a record, reading lines back by a file's
// #Fields: line (any order), SPEC 8.1's value encoding, and bad lines.
#include "policy/access_log.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/policy/test_time.h"

namespace edgesim::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// SPEC 8.3's example line from CloudFront's documentation.
constexpr absl::string_view kDocExample =
    "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/"
    "index.html\t"
    "200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)\t-\t-\tHit\t"
    "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront."
    "net\thttps\t"
    "23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\t"
    "text/html\t78\t-\t-";

AccessLogRecord SampleRecord() {
  AccessLogRecord r;
  r.time = Utc(2026, 11, 22, 7, 5, 9);
  r.edge_location = "IAD89-C1";
  r.sc_bytes = 1523;
  r.c_ip = "127.0.0.1";
  r.method = "GET";
  r.host = "d111111abcdef8.cloudfront.net";
  r.uri_stem = "/a b.js";
  r.sc_status = 200;
  r.user_agent = "curl/7.88 \"quoted\"";
  r.uri_query = "v=2&x={1}";
  r.result_type = "Miss";
  r.request_id = "abc==";
  r.host_header = "www.example.com";
  r.cs_bytes = 88;
  r.time_taken = absl::Milliseconds(12);
  r.response_result_type = "Miss";
  r.c_port = 50123;
  r.time_to_first_byte = absl::Milliseconds(11);
  r.detailed_result_type = "Miss";
  r.content_type = "application/javascript";
  r.content_len = 1024;
  return r;
}

TEST(AccessLogTest, LegacyFieldsAreSpecsThirtyThreeInOrder) {
  const std::vector<std::string>& f = LegacyLogFields();
  ASSERT_EQ(f.size(), 33u);
  EXPECT_EQ(f[0], "date");
  EXPECT_EQ(f[2], "x-edge-location");
  EXPECT_EQ(f[13], "x-edge-result-type");
  EXPECT_EQ(f[22], "x-edge-response-result-type");
  EXPECT_EQ(f[28], "x-edge-detailed-result-type");
  EXPECT_EQ(f[32], "sc-range-end");
  EXPECT_EQ(AccessLogHeader().substr(0, 30), "#Version: 1.0\n#Fields: date ti");
}

TEST(AccessLogTest, ReadsTheDocumentationsExampleLine) {
  absl::StatusOr<AccessLogRecord> r = ParseAccessLogLine(kDocExample, AccessLogFields::Legacy());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->time, Utc(2019, 12, 4, 21, 2, 31));
  EXPECT_EQ(r->edge_location, "LAX1");
  EXPECT_EQ(r->sc_bytes, 392u);
  EXPECT_EQ(r->uri_stem, "/index.html");
  EXPECT_EQ(r->sc_status, 200);
  EXPECT_EQ(r->user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
  EXPECT_EQ(r->referer, "");
  EXPECT_EQ(r->result_type, "Hit");
  EXPECT_EQ(r->protocol_version, "HTTP/2.0");
  EXPECT_EQ(r->c_port, 11040);
  EXPECT_EQ(r->time_taken, absl::Milliseconds(1));
  EXPECT_EQ(r->content_len, 78u);
  EXPECT_EQ(r->range_start, absl::nullopt);
}

TEST(AccessLogTest, WrittenLinesReadBackEqual) {
  const AccessLogRecord r = SampleRecord();
  const std::string line = FormatAccessLogLine(r);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_THAT(line, HasSubstr("\t/a%20b.js\t"));
  EXPECT_THAT(line, HasSubstr("\tcurl/7.88%20%22quoted%22\t"));
  EXPECT_THAT(line, HasSubstr("\tv=2&x=%7B1%7D\t"));
  EXPECT_THAT(line, HasSubstr("\t-\t"));  // absent referer
  absl::StatusOr<AccessLogRecord> back = ParseAccessLogLine(
      absl::string_view(line).substr(0, line.size() - 1), AccessLogFields::Legacy());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);
}

TEST(AccessLogTest, FieldsAreFoundByNameInAnyOrder) {
  absl::StatusOr<AccessLogFields> fields = AccessLogFields::Parse(
      "#Fields: time cs-uri-stem c-country date sc-status timestamp-ignored");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_EQ(fields->Find("date"), 3);
  EXPECT_EQ(fields->Find("x-edge-location"), -1);
  absl::StatusOr<AccessLogRecord> r =
      ParseAccessLogLine("08:00:01\t/x\tUS\t2026-01-02\t404\tzzz", *fields);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->time, Utc(2026, 1, 2, 8, 0, 1));
  EXPECT_EQ(r->uri_stem, "/x");
  EXPECT_EQ(r->sc_status, 404);
}

TEST(AccessLogTest, V2TimestampGivesMilliseconds) {
  absl::StatusOr<AccessLogFields> fields = AccessLogFields::Parse("timestamp cs-uri-stem");
  ASSERT_TRUE(fields.ok());
  absl::StatusOr<AccessLogRecord> r = ParseAccessLogLine("1700000000.250\t/a", *fields);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->time, absl::FromUnixMillis(1700000000250));
}

TEST(AccessLogTest, BadFieldsLinesAreRejected) {
  EXPECT_FALSE(AccessLogFields::Parse("#Fields:").ok());
  absl::StatusOr<AccessLogFields> twice = AccessLogFields::Parse("date time date");
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(), HasSubstr("'date' twice"));
}

struct BadLine {
  const char* fields;
  const char* line;
  const char* message;
};

class AccessLogBadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(AccessLogBadLineTest, NamesTheField) {
  absl::StatusOr<AccessLogFields> fields = AccessLogFields::Parse(GetParam().fields);
  ASSERT_TRUE(fields.ok());
  absl::StatusOr<AccessLogRecord> r = ParseAccessLogLine(GetParam().line, *fields);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(Cases, AccessLogBadLineTest,
                         ::testing::Values(BadLine{"date time", "2026-01-01",
                                                   "expected 2 tab-separated fields, found 1"},
                                           BadLine{"date", "2026-13-01", "field date"},
                                           BadLine{"time", "25:00:00", "field time"},
                                           BadLine{"sc-status", "ok", "field sc-status"},
                                           BadLine{"sc-bytes", "-5", "field sc-bytes"},
                                           BadLine{"time-taken", "-0.5", "field time-taken"},
                                           BadLine{"sc-content-len", "1e3",
                                                   "field sc-content-len"}));

TEST(AccessLogEncodingTest, EncodesSpecCharactersAndDecodesBack) {
  EXPECT_EQ(EncodeLogValue(""), "-");
  EXPECT_EQ(EncodeLogValue("a b\t<>\"#%{}|\\^~[]`'"),
            "a%20b%09%3C%3E%22%23%25%7B%7D%7C%5C%5E%7E%5B%5D%60%27");
  EXPECT_EQ(EncodeLogValue("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(EncodeLogValue("/ok-path_1.2?=&;:"), "/ok-path_1.2?=&;:");
  EXPECT_EQ(DecodeLogValue("a%20b%7c"), "a b|");
  EXPECT_EQ(DecodeLogValue("-"), "");
  EXPECT_EQ(DecodeLogValue("100%"), "100%");  // a malformed escape is kept
  EXPECT_EQ(DecodeLogValue("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace edgesim::policy
