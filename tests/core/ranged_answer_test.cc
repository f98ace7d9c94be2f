#include "core/ranged_answer.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "core/request_pipeline.h"
#include "core/topology.h"
#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "tests/core/fake_origin.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::Request;

constexpr char kRangedObject[] = "0123456789abcdefghijklmnopqrstuvwxyz";  // 36 bytes

Request RangeGet(const char* range, const char* method = "GET") {
  Request r = Request::Get("/object.bin");
  r.method = method;
  r.headers.Add("Range", range);
  return r;
}

class RangedAnswerTest : public ::testing::Test {
 protected:
  RangedAnswerTest() {
    origin_.Set("/object.bin", 200,
                {{"Cache-Control", "max-age=300"},
                 {"ETag", "\"v1\""},
                 {"Content-Type", "application/octet-stream"}},
                kRangedObject);
    Use("Managed-CachingOptimized");
  }
  void Use(const char* managed_policy) {
    pipeline_ = *RequestPipeline::Create(
        policy::SingleOriginDistribution("origin", *policy::FindManagedCachePolicy(managed_policy)),
        *MakeTopology({"IAD89-C1"}, {}, {}));
  }
  EdgeResult Handle(const Request& r, int second = 0) {
    return pipeline_->Handle(0, r, At(second), origin_);
  }
  static std::string Body(const EdgeResult& r) { return r.body ? *r.body : ""; }

  FakeOrigin origin_;
  std::unique_ptr<RequestPipeline> pipeline_;
};

TEST_F(RangedAnswerTest, AMissFetchesTheWholeObjectStoresItAndCutsTheRange) {
  const EdgeResult r = Handle(RangeGet("bytes=0-9"));
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(r.viewer.status, 206);
  EXPECT_EQ(Body(r), "0123456789");
  EXPECT_EQ(r.body_size, 10u);
  const policy::Headers headers = ViewerHeaders(r);
  EXPECT_EQ(headers.Get("Content-Range"), "bytes 0-9/36");
  EXPECT_EQ(headers.Get("Content-Length"), "10");
  EXPECT_FALSE(origin_.last_forwarded().headers.Has("Range"));  // the widest range

  const EdgeResult whole = Handle(Request::Get("/object.bin"), 1);
  EXPECT_EQ(whole.outcome, CacheOutcome::kHit);
  EXPECT_EQ(whole.viewer.status, 200);
  EXPECT_EQ(Body(whole), kRangedObject);
  EXPECT_FALSE(ViewerHeaders(whole).Has("Content-Range"));
}

TEST_F(RangedAnswerTest, AHitCutsEachRangeFromTheStoredObject) {
  Handle(Request::Get("/object.bin"));
  const EdgeResult suffix = Handle(RangeGet("bytes=-6"), 1);
  EXPECT_EQ(suffix.outcome, CacheOutcome::kHit);
  EXPECT_EQ(suffix.viewer.status, 206);
  EXPECT_EQ(Body(suffix), "uvwxyz");
  EXPECT_EQ(ViewerHeaders(suffix).Get("Content-Range"), "bytes 30-35/36");
  const EdgeResult open = Handle(RangeGet("bytes=34-"), 2);
  EXPECT_EQ(Body(open), "yz");
  EXPECT_EQ(origin_.fetches(), 1);
}

TEST_F(RangedAnswerTest, UnsatisfiableIs416AndLeavesTheObjectCached) {
  const EdgeResult r = Handle(RangeGet("bytes=100-200"));
  EXPECT_EQ(r.viewer.status, 416);
  EXPECT_EQ(ViewerHeaders(r).Get("Content-Range"), "bytes */36");
  const EdgeResult again = Handle(RangeGet("bytes=0-0"), 1);
  EXPECT_EQ(again.outcome, CacheOutcome::kHit);
  EXPECT_EQ(Body(again), "0");
}

TEST_F(RangedAnswerTest, SeveralRangesAreOneMultipartBody) {
  const EdgeResult r = Handle(RangeGet("bytes=0-1,10-11"));
  EXPECT_EQ(r.viewer.status, 206);
  const policy::Headers headers = ViewerHeaders(r);
  EXPECT_TRUE(absl::StartsWith(*headers.Get("Content-Type"), "multipart/byteranges; boundary="));
  EXPECT_FALSE(headers.Has("Content-Range"));
  EXPECT_EQ(r.body_size, Body(r).size());
  EXPECT_NE(Body(r).find("Content-Range: bytes 0-1/36\r\n\r\n01\r\n"), std::string::npos);
  EXPECT_NE(Body(r).find("Content-Range: bytes 10-11/36\r\n\r\nab\r\n"), std::string::npos);
}

TEST_F(RangedAnswerTest, InvalidMultiRangeAndIfRangeMismatchGetTheWholeObject) {
  EXPECT_EQ(Handle(RangeGet("bytes=10-20,0-5")).viewer.status, 200);
  Request stale = RangeGet("bytes=0-9");
  stale.headers.Add("If-Range", "\"v0\"");
  const EdgeResult r = Handle(stale, 1);
  EXPECT_EQ(r.viewer.status, 200);
  EXPECT_EQ(Body(r), kRangedObject);
  stale.headers.Set("If-Range", "\"v1\"");
  EXPECT_EQ(Handle(stale, 2).viewer.status, 206);
}

TEST_F(RangedAnswerTest, HeadStatesTheRangeWithoutABody) {
  Handle(Request::Get("/object.bin"));
  const EdgeResult r = Handle(RangeGet("bytes=0-9", "HEAD"), 1);
  EXPECT_EQ(r.viewer.status, 206);
  EXPECT_EQ(r.body, nullptr);
  EXPECT_EQ(r.body_size, 0u);
  EXPECT_EQ(r.cut_length, 10u);
  EXPECT_EQ(ViewerHeaders(r).Get("Content-Range"), "bytes 0-9/36");
}

TEST_F(RangedAnswerTest, ABehaviorThatDoesNotCacheRelaysTheOriginsAnswer) {
  Use("Managed-CachingDisabled");
  origin_.Set("/object.bin", 206, {{"Content-Range", "bytes 0-3/36"}}, "0123");
  const EdgeResult r = Handle(RangeGet("bytes=0-3"));
  EXPECT_EQ(origin_.last_forwarded().headers.Get("Range"), "bytes=0-3");
  EXPECT_EQ(r.viewer.status, 206);
  EXPECT_EQ(Body(r), "0123");
  // An origin that ignores Range: its whole object goes to the viewer (DG/RangeGETs.html).
  origin_.Set("/object.bin", 200, {}, kRangedObject);
  const EdgeResult whole = Handle(RangeGet("bytes=0-3"), 1);
  EXPECT_EQ(whole.viewer.status, 200);
  EXPECT_EQ(Body(whole), kRangedObject);
}

TEST_F(RangedAnswerTest, AChunkedOriginAnswerGoesWholeThenHitsAreCut) {
  origin_.Set("/object.bin", 200,
              {{"Cache-Control", "max-age=300"}, {"Transfer-Encoding", "chunked"}}, kRangedObject);
  const EdgeResult miss = Handle(RangeGet("bytes=0-9"));
  EXPECT_EQ(miss.viewer.status, 200);
  EXPECT_EQ(Body(miss), kRangedObject);
  const EdgeResult hit = Handle(RangeGet("bytes=0-9"), 1);
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(hit.viewer.status, 206);
  EXPECT_EQ(Body(hit), "0123456789");
}

TEST(CutToRangeTest, SizesOnlyAnswersAreCutBySize) {
  EdgeResult r;
  r.viewer.status = 200;
  r.body_size = 1000;  // the simulator: no bytes, only their count
  CutToRange(RangeGet("bytes=100-199"), r);
  EXPECT_EQ(r.viewer.status, 206);
  EXPECT_EQ(r.body, nullptr);
  EXPECT_EQ(r.body_size, 100u);
}

}  // namespace
}  // namespace edgesim::core
