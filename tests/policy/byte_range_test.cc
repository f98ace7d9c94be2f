#include "policy/byte_range.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

const Headers kByteRangeObject = {{"ETag", "\"v2\""},
                                  {"Last-Modified", "Sun, 01 Nov 2026 10:00:00 GMT"}};
constexpr uint64_t kByteRangeLength = 1000;

struct ByteRangeCase {
  const char* name;
  Headers request;
  RangeAnswer expected;
  const char* method = "GET";
  Headers representation = kByteRangeObject;
};

RangeAnswer Whole() { return {}; }
RangeAnswer Unsatisfiable() { return {.kind = RangeAnswerKind::kUnsatisfiable}; }
RangeAnswer Partial(std::vector<ByteRange> ranges) {
  return {.kind = RangeAnswerKind::kPartial, .ranges = std::move(ranges)};
}

class DecideRangeTest : public ::testing::TestWithParam<ByteRangeCase> {};

TEST_P(DecideRangeTest, Decides) {
  const ByteRangeCase& c = GetParam();
  Request r = Request::Get("/a");
  r.method = c.method;
  r.headers = c.request;
  EXPECT_EQ(DecideRange(r, c.representation, kByteRangeLength), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    RangeGets, DecideRangeTest,
    ::testing::Values(
        ByteRangeCase{"NoRange", {}, Whole()},
        ByteRangeCase{"FirstTen", {{"Range", "bytes=0-9"}}, Partial({{0, 9}})},
        ByteRangeCase{"UnitIsCaseInsensitive", {{"Range", "Bytes=5-5"}}, Partial({{5, 5}})},
        ByteRangeCase{"OpenEnded", {{"Range", "bytes=990-"}}, Partial({{990, 999}})},
        ByteRangeCase{"Suffix", {{"Range", "bytes=-10"}}, Partial({{990, 999}})},
        ByteRangeCase{"SuffixLongerThanObject", {{"Range", "bytes=-5000"}}, Partial({{0, 999}})},
        ByteRangeCase{"LastCutAtTheEnd", {{"Range", "bytes=900-5000"}}, Partial({{900, 999}})},
        ByteRangeCase{"Multi", {{"Range", "bytes=0-9, 100-109"}}, Partial({{0, 9}, {100, 109}})},
        ByteRangeCase{
            "MultiWithSuffix", {{"Range", "bytes=0-9,-10"}}, Partial({{0, 9}, {990, 999}})},
        // DG/RangeGETs.html: invalid multi-range requests get the whole object with 200.
        ByteRangeCase{"NotAscending", {{"Range", "bytes=300-400,100-200"}}, Whole()},
        ByteRangeCase{"Overlapping", {{"Range", "bytes=100-200,150-250"}}, Whole()},
        ByteRangeCase{"Touching", {{"Range", "bytes=100-200,200-250"}}, Whole()},
        ByteRangeCase{"OpenEndedThenMore", {{"Range", "bytes=100-,500-600"}}, Whole()},
        ByteRangeCase{"Negative", {{"Range", "bytes=--5"}}, Whole()},
        ByteRangeCase{"NegativeInMulti", {{"Range", "bytes=0-5,-3-4"}}, Whole()},
        ByteRangeCase{"LastBeforeFirst", {{"Range", "bytes=9-0"}}, Whole()},
        ByteRangeCase{"NotANumber", {{"Range", "bytes=a-9"}}, Whole()},
        ByteRangeCase{"OtherUnit", {{"Range", "items=0-9"}}, Whole()},
        ByteRangeCase{"NoSpecs", {{"Range", "bytes="}}, Whole()},
        ByteRangeCase{"PostHasNoRanges", {{"Range", "bytes=0-9"}}, Whole(), "POST"},
        ByteRangeCase{"HeadHasRanges", {{"Range", "bytes=0-9"}}, Partial({{0, 9}}), "HEAD"},
        ByteRangeCase{"StartPastTheEnd", {{"Range", "bytes=1000-1100"}}, Unsatisfiable()},
        ByteRangeCase{"HugeStart", {{"Range", "bytes=99999999999999999999999-"}}, Unsatisfiable()},
        ByteRangeCase{"ZeroSuffix", {{"Range", "bytes=-0"}}, Unsatisfiable()},
        ByteRangeCase{
            "UnsatisfiableDropped", {{"Range", "bytes=0-9,2000-2100"}}, Partial({{0, 9}})},
        ByteRangeCase{"IfRangeStrongEtag",
                      {{"Range", "bytes=0-9"}, {"If-Range", "\"v2\""}},
                      Partial({{0, 9}})},
        ByteRangeCase{
            "IfRangeOtherEtag", {{"Range", "bytes=0-9"}, {"If-Range", "\"v1\""}}, Whole()},
        ByteRangeCase{
            "IfRangeWeakNeverMatches", {{"Range", "bytes=0-9"}, {"If-Range", "W/\"v2\""}}, Whole()},
        ByteRangeCase{"IfRangeAgainstWeakEtag",
                      {{"Range", "bytes=0-9"}, {"If-Range", "\"v2\""}},
                      Whole(),
                      "GET",
                      {{"ETag", "W/\"v2\""}}},
        ByteRangeCase{"IfRangeDate",
                      {{"Range", "bytes=0-9"}, {"If-Range", "Sun, 01 Nov 2026 10:00:00 GMT"}},
                      Partial({{0, 9}})},
        ByteRangeCase{"IfRangeOtherDate",
                      {{"Range", "bytes=0-9"}, {"If-Range", "Sun, 01 Nov 2026 09:00:00 GMT"}},
                      Whole()},
        ByteRangeCase{"IfRangeMismatchBeats416",
                      {{"Range", "bytes=5000-"}, {"If-Range", "\"v1\""}},
                      Whole()}),
    [](const ::testing::TestParamInfo<ByteRangeCase>& info) { return info.param.name; });

TEST(DecideRangeLimitsTest, TooManyRangesGetTheWholeObject) {
  std::string header = "bytes=";
  for (size_t i = 0; i <= kMaxRangesPerRequest; ++i) {
    header += std::to_string(i * 2) + "-" + std::to_string(i * 2) + ",";
  }
  Request r = Request::Get("/a");
  r.headers.Add("Range", header);
  EXPECT_EQ(DecideRange(r, kByteRangeObject, kByteRangeLength), Whole());
}

TEST(DecideRangeLimitsTest, EmptyObjectIgnoresRange) {
  Request r = Request::Get("/a");
  r.headers.Add("Range", "bytes=0-");
  EXPECT_EQ(DecideRange(r, kByteRangeObject, 0), Whole());
}

TEST(ContentRangeTest, FormatsAndParses) {
  EXPECT_EQ(ContentRangeValue({0, 9}, 1000), "bytes 0-9/1000");
  EXPECT_EQ(UnsatisfiedContentRangeValue(1000), "bytes */1000");
  EXPECT_EQ(ParseContentRange("bytes 0-9/1000"), (ByteRange{0, 9}));
  EXPECT_EQ(ParseContentRange("bytes 10-19/*"), (ByteRange{10, 19}));
  EXPECT_EQ(ParseContentRange("bytes */1000"), absl::nullopt);
  EXPECT_EQ(ParseContentRange("bytes 9-0/1000"), absl::nullopt);
  EXPECT_EQ(ParseContentRange("items 0-9/10"), absl::nullopt);
}

TEST(MultipartByterangesTest, PiecesAddUpToTheBody) {
  const std::string object = "0123456789abcdefghij";
  const MultipartByteranges m = MakeMultipartByteranges({{0, 1}, {10, 12}}, "text/plain", 20);
  std::string body;
  for (const MultipartByteranges::Part& part : m.parts) {
    body += part.head + object.substr(part.range.first, part.range.size());
  }
  body += m.close;
  EXPECT_EQ(body.size(), m.size);
  const std::string boundary = m.content_type.substr(m.content_type.find("boundary=") + 9);
  EXPECT_EQ(body, "--" + boundary +
                      "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/20\r\n\r\n01"
                      "\r\n--" +
                      boundary +
                      "\r\nContent-Type: text/plain\r\nContent-Range: bytes 10-12/20\r\n\r\nabc"
                      "\r\n--" +
                      boundary + "--\r\n");
}

}  // namespace
}  // namespace edgesim::policy
