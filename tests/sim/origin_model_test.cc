#include "sim/origin_model.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/edge_cache.h"
#include "core/shared_head.h"
#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "policy/http_date.h"

namespace edgesim::sim {
namespace {

const absl::Time kEpoch = absl::FromUnixSeconds(1'700'000'000);

OriginScript Script() {
  absl::StatusOr<OriginScript> s = ParseOriginScript(nlohmann::json::parse(R"({
    "rules": [
      {"path": "/assets/*", "headers": {"Cache-Control": "max-age=31536000"}, "size": 40,
       "content_type": "application/javascript"},
      {"path": "/static", "size": 10, "versioned": false},
      {"path": "/missing*", "status": 404}
    ],
    "outages": [{"from": 100, "to": 160, "status": 503},
                {"from": 200, "to": 230, "failure": "timeout"},
                {"from": 300, "to": 310, "failure": "refused", "path": "/assets/*"}]
  })"));
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(OriginModelTest, AnswersTheFirstMatchingRuleAtVersionOne) {
  OriginModel origin(Script(), kEpoch);
  absl::StatusOr<core::OriginResponse> r = origin.Answer("/assets/app.js?x=1", kEpoch);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(r->head.headers.Get("Cache-Control"), "max-age=31536000");
  EXPECT_EQ(r->head.headers.Get("Content-Type"), "application/javascript");
  EXPECT_EQ(r->head.headers.Get(kVersionHeader), "1");
  EXPECT_EQ(r->head.headers.Get("Last-Modified"), policy::FormatHttpDate(kEpoch));
  ASSERT_NE(r->body, nullptr);
  EXPECT_EQ(r->body->size(), 40u);
  EXPECT_EQ(r->body->substr(0, 20), "/assets/app.js v1\n..");
  EXPECT_EQ(r->body_size, 40u);

  absl::StatusOr<core::OriginResponse> missing = origin.Answer("/missing.png", kEpoch);
  EXPECT_EQ(missing->head.status, 404);
  absl::StatusOr<core::OriginResponse> other = origin.Answer("/other", kEpoch);
  EXPECT_EQ(other->head.status, 200);
  EXPECT_EQ(other->body_size, 1024u);
}

TEST(OriginModelTest, DeployBumpsVersionsAndChangesTheETag) {
  OriginModel origin(Script(), kEpoch);
  const std::string etag1(*origin.Answer("/assets/a.js", kEpoch)->head.headers.Get("ETag"));
  const absl::Time t30 = kEpoch + absl::Seconds(30);
  origin.Deploy({"/assets/a.js", "/static", "/assets/a.js"}, t30);
  EXPECT_EQ(origin.Version("/assets/a.js"), 3);
  EXPECT_EQ(origin.Version("/assets/a.js?q"), 3);
  EXPECT_EQ(origin.Version("/static"), 1);  // not versioned
  EXPECT_EQ(origin.Version("/never"), 1);
  EXPECT_EQ(origin.VersionTime("/assets/a.js", 1), kEpoch);
  EXPECT_EQ(origin.VersionTime("/assets/a.js", 2), t30);
  absl::StatusOr<core::OriginResponse> r = origin.Answer("/assets/a.js", t30);
  EXPECT_EQ(r->head.headers.Get(kVersionHeader), "3");
  EXPECT_NE(r->head.headers.Get("ETag"), etag1);
  EXPECT_EQ(r->head.headers.Get("Last-Modified"), policy::FormatHttpDate(t30));
  EXPECT_EQ(r->body->substr(0, 16), "/assets/a.js v3\n");
}

TEST(OriginModelTest, ConditionalRequestsGet304UntilADeploy) {
  OriginModel origin(Script(), kEpoch);
  const std::string etag(*origin.Answer("/assets/a.js", kEpoch)->head.headers.Get("ETag"));
  policy::Request conditional = policy::Request::Get("/assets/a.js");
  conditional.headers.Add("If-None-Match", etag);
  absl::StatusOr<core::OriginResponse> r = origin.Answer(conditional, kEpoch + absl::Seconds(5));
  EXPECT_EQ(r->head.status, 304);
  EXPECT_EQ(r->body_size, 0u);
  EXPECT_EQ(r->head.headers.Get("ETag"), etag);

  policy::Request by_date = policy::Request::Get("/assets/a.js");
  by_date.headers.Add("If-Modified-Since", policy::FormatHttpDate(kEpoch));
  EXPECT_EQ(origin.Answer(by_date, kEpoch)->head.status, 304);

  origin.Deploy({"/assets/a.js"}, kEpoch + absl::Seconds(10));
  EXPECT_EQ(origin.Answer(conditional, kEpoch + absl::Seconds(11))->head.status, 200);
  EXPECT_EQ(origin.Answer(by_date, kEpoch + absl::Seconds(11))->head.status, 200);
}

// What a cache charges for a head's fields (core::StoredResponse::ByteSize).
uint64_t ChargeOf(const policy::Headers& headers) {
  uint64_t bytes = 0;
  for (const auto& [name, value] : headers.fields()) {
    bytes += sizeof(policy::Headers::Field) + name.size() + value.size();
  }
  return bytes;
}

TEST(OriginModelTest, SharedAnswersAreTheWholeOnesWithOneHeadPerRuleAndStatus) {
  OriginModel origin(Script(), kEpoch);
  const absl::Time later = kEpoch + absl::Milliseconds(30'500);
  origin.Deploy({"/assets/b.js"}, later);
  const std::string etag(*origin.Answer("/assets/a.js", kEpoch)->head.headers.Get("ETag"));
  policy::Request conditional = policy::Request::Get("/assets/a.js");
  conditional.headers.Add("If-None-Match", etag);
  policy::Request head = policy::Request::Get("/assets/b.js");
  head.method = "HEAD";
  const std::vector<policy::Request> requests = {
      policy::Request::Get("/assets/a.js"), policy::Request::Get("/assets/b.js"), conditional,
      head, policy::Request::Get("/static"), policy::Request::Get("/missing/x"),
      policy::Request::Get("/other")};
  for (const policy::Request& request : requests) {
    SCOPED_TRACE(request.method + " " + request.target);
    absl::StatusOr<core::OriginResponse> whole = origin.Answer(request, later + absl::Seconds(1));
    absl::StatusOr<core::OriginResponse> shared =
        origin.SharedAnswer(request, later + absl::Seconds(1));
    ASSERT_TRUE(whole.ok() && shared.ok());
    ASSERT_NE(shared->shared_head, nullptr);
    EXPECT_TRUE(shared->head.headers.empty());
    EXPECT_EQ(whole->shared_head, nullptr);
    const core::StoredHeaders headers(shared->shared_head, shared->numbers);
    EXPECT_EQ(headers.ByteCharge(), ChargeOf(whole->head.headers));
    EXPECT_EQ(shared->head.status, whole->head.status);
    EXPECT_EQ(headers.status(), whole->head.status);
    EXPECT_EQ(headers.whole(), whole->head);
    EXPECT_EQ(shared->body_size, whole->body_size);
  }
  // Two objects of one rule share one head.
  EXPECT_EQ(origin.SharedAnswer(requests[0], later)->shared_head,
            origin.SharedAnswer(requests[1], later)->shared_head);
  EXPECT_EQ(origin.Answer(requests[1], later + absl::Seconds(1))->head.headers.Get("Last-Modified"),
            policy::FormatHttpDate(later));
}

TEST(OriginModelTest, OutagesAnswerAStatusOrFail) {
  OriginModel origin(Script(), kEpoch);
  EXPECT_EQ(origin.Answer("/a", kEpoch + absl::Seconds(99))->head.status, 200);
  EXPECT_EQ(origin.Answer("/a", kEpoch + absl::Seconds(100))->head.status, 503);
  EXPECT_EQ(origin.Answer("/a", kEpoch + absl::Seconds(160))->head.status, 200);
  EXPECT_EQ(origin.Answer("/a", kEpoch + absl::Seconds(200)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(origin.Answer("/assets/x", kEpoch + absl::Seconds(305)).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(origin.Answer("/other", kEpoch + absl::Seconds(305)).ok());
}

// An origin group's members answer from their own scripts; versions are shared.
TEST(OriginModelTest, ScriptedOriginsAnswerFromTheirOwnScripts) {
  absl::StatusOr<OriginScript> down =
      ParseOriginScript(nlohmann::json::parse(R"({"outages": [{"from": 0, "to": 50}]})"));
  ASSERT_TRUE(down.ok()) << down.status();
  OriginModel origin(Script(), kEpoch, {}, {{"primary", *down}});
  origin.Deploy({"/a"}, kEpoch + absl::Seconds(1));
  EXPECT_EQ(origin.Answer(policy::Request::Get("/a"), kEpoch, 0, "primary")->head.status, 503);
  absl::StatusOr<core::OriginResponse> other =
      origin.Answer(policy::Request::Get("/a"), kEpoch + absl::Seconds(2), 0, "secondary");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->head.status, 200);
  EXPECT_EQ(other->head.headers.Get(kVersionHeader).value_or(""), "2");
  EXPECT_EQ(origin.Answer(policy::Request::Get("/a"), kEpoch + absl::Seconds(60), 0, "primary")
                ->head.headers.Get(kVersionHeader)
                .value_or(""),
            "2");

  ModelOriginFetcher fetcher(origin);
  const policy::Origin primary{.id = "primary"};
  core::OriginRequest request;
  request.forwarded = policy::Request::Get("/a");
  request.origin = &primary;
  EXPECT_EQ(fetcher.Fetch(request, kEpoch)->head.status, 503);
}

TEST(OriginModelTest, SizesOnlyWithoutBodies) {
  OriginModel origin(Script(), kEpoch, {.bodies = false});
  absl::StatusOr<core::OriginResponse> r = origin.Answer("/assets/a.js", kEpoch);
  EXPECT_EQ(r->body, nullptr);
  EXPECT_EQ(r->body_size, 40u);
  policy::Request head = policy::Request::Get("/assets/a.js");
  head.method = "HEAD";
  EXPECT_EQ(origin.Answer(head, kEpoch)->body_size, 0u);
  EXPECT_EQ(origin.Answer(policy::Request::Get("/assets/a.js"), kEpoch, 7)->body_size, 7u);
}

TEST(OriginModelTest, FetcherCountsRequestsAndBytes) {
  OriginModel origin(Script(), kEpoch, {.bodies = false});
  ModelOriginFetcher fetcher(origin);
  core::OriginRequest request;
  request.forwarded = policy::Request::Get("/assets/a.js");
  ASSERT_TRUE(fetcher.Fetch(request, kEpoch).ok());
  EXPECT_FALSE(fetcher.Fetch(request, kEpoch + absl::Seconds(305)).ok());
  EXPECT_EQ(fetcher.requests(), 2u);
  EXPECT_EQ(fetcher.bytes(), 40u);
}

// The model behind an origin that reads whole requests and answers with whole heads, as an HTTP
// origin does: the cache builds every header for it, and stores every header it answers.
class OriginModelWholeRequestFetcher final : public core::OriginFetcher {
 public:
  explicit OriginModelWholeRequestFetcher(ModelOriginFetcher& model) : model_(model) {}
  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override {
    absl::StatusOr<core::OriginResponse> r = model_.Fetch(request, now);
    if (r.ok()) r->WholeHead();
    return r;
  }

 private:
  ModelOriginFetcher& model_;
};

// A cache asks the model with bare requests (request line and validators only); an HTTP origin's
// whole requests must get the very same answers: OriginPath, DefaultRootObject, forwarded and
// dropped query strings, the viewer's validators, revalidations across a deploy.
TEST(OriginModelTest, BareRequestsGetTheAnswersOfWholeOnes) {
  absl::StatusOr<Scenario> scenario = ParseScenario(nlohmann::json::parse(R"({
    "distribution": {
      "CallerReference": "bare", "Comment": "", "Enabled": true,
      "DefaultRootObject": "index.html",
      "Origins": {"Quantity": 1, "Items": [{
        "Id": "origin", "DomainName": "origin.bare.test", "OriginPath": "/v2",
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                               "OriginProtocolPolicy": "http-only"}}]},
      "DefaultCacheBehavior": {
        "TargetOriginId": "origin", "ViewerProtocolPolicy": "allow-all",
        "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
        "MinTTL": 0, "DefaultTTL": 86400, "MaxTTL": 31536000},
      "CacheBehaviors": {"Quantity": 1, "Items": [{
        "PathPattern": "/api/*", "TargetOriginId": "origin", "ViewerProtocolPolicy": "allow-all",
        "ForwardedValues": {"QueryString": true, "Cookies": {"Forward": "none"}},
        "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000}]}
    },
    "origin": {"rules": [{"path": "/v2/api/*", "headers": {"Cache-Control": "max-age=1"}},
                         {"path": "*", "headers": {"Cache-Control": "max-age=3"}}]}
  })"), ".");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  OriginModel bare_model(scenario->origin, kEpoch, {.bodies = false});
  OriginModel whole_model(scenario->origin, kEpoch, {.bodies = false});
  ModelOriginFetcher bare(bare_model);
  ModelOriginFetcher model_behind_whole(whole_model);
  OriginModelWholeRequestFetcher whole(model_behind_whole);
  ASSERT_TRUE(bare.WantsBareRequests());
  ASSERT_FALSE(whole.WantsBareRequests());
  auto bare_cache = core::EdgeCache::Create(scenario->distribution, {});
  auto whole_cache = core::EdgeCache::Create(scenario->distribution, {});
  ASSERT_TRUE(bare_cache.ok() && whole_cache.ok());

  const std::string etag_v1(*bare_model.Answer("/v2/a.js", kEpoch)->head.headers.Get("ETag"));
  std::vector<policy::Request> requests;
  for (const char* target : {"/", "/a.js", "/api/q?x=1&y=2", "/api/q?y=2", "/index.html"}) {
    requests.push_back(policy::Request::Get(target));
  }
  policy::Request conditional = policy::Request::Get("/a.js");
  conditional.headers.Add("If-None-Match", etag_v1);
  requests.push_back(conditional);
  policy::Request since = policy::Request::Get("/api/q?x=1");
  since.headers.Add("If-Modified-Since", policy::FormatHttpDate(kEpoch + absl::Hours(1)));
  requests.push_back(since);
  policy::Request head = policy::Request::Get("/b.css");
  head.method = "HEAD";
  requests.push_back(head);

  int compared = 0;
  for (int second = 0; second < 12; ++second) {
    const absl::Time now = kEpoch + absl::Seconds(second);
    if (second == 5) {
      for (OriginModel* model : {&bare_model, &whole_model}) {
        model->Deploy({"/v2/a.js", "/v2/index.html", "/v2/api/q"}, now);
      }
    }
    for (const policy::Request& request : requests) {
      const core::EdgeResult b = (*bare_cache)->Handle(request, now, bare);
      const core::EdgeResult w = (*whole_cache)->Handle(request, now, whole);
      SCOPED_TRACE(absl::StrCat(request.method, " ", request.target, " at ", second));
      EXPECT_EQ(b.outcome, w.outcome);
      EXPECT_EQ(b.miss_reason, w.miss_reason);
      EXPECT_EQ(b.viewer.status, w.viewer.status);
      EXPECT_EQ(b.body_size, w.body_size);
      EXPECT_EQ(b.request_id.view(), w.request_id.view());
      // A shared head is not rendered to be served, and costs the cache what a whole one does.
      const bool unread = b.stored != nullptr && b.stored->head.headers.renders();
      EXPECT_EQ(b.stored != nullptr, w.stored != nullptr);
      if (b.stored != nullptr) EXPECT_EQ(b.stored->ByteSize(), w.stored->ByteSize());
      EXPECT_EQ(core::HeadersOf(b).fields(), core::HeadersOf(w).fields());
      if (unread) EXPECT_FALSE(b.stored->head.headers.renders());  // rendered on that read
      ++compared;
    }
  }
  EXPECT_EQ(compared, 12 * 8);
  EXPECT_EQ(bare.requests(), model_behind_whole.requests());
  EXPECT_EQ(bare.bytes(), model_behind_whole.bytes());
  // The sequence did reach the origin, revalidated and got 304s.
  EXPECT_GT(bare.requests(), 20u);
  EXPECT_GT((*bare_cache)->TotalCounters()[core::Counter::kRefreshHits], 0u);
  EXPECT_EQ((*bare_cache)->TotalCounters(), (*whole_cache)->TotalCounters());
}

// A hit serves a stored shared head without rendering it: the viewer's headers are rendered when
// read, and a viewer's validators are checked against the rendered ones.
TEST(OriginModelTest, HitsServeSharedHeadsUnrendered) {
  absl::StatusOr<Scenario> scenario = ParseScenario(nlohmann::json::parse(R"({
    "distribution": {
      "CallerReference": "shared", "Comment": "", "Enabled": true,
      "Origins": {"Quantity": 1, "Items": [{
        "Id": "origin", "DomainName": "origin.shared.test",
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                               "OriginProtocolPolicy": "http-only"}}]},
      "DefaultCacheBehavior": {
        "TargetOriginId": "origin", "ViewerProtocolPolicy": "allow-all",
        "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
        "MinTTL": 0, "DefaultTTL": 86400, "MaxTTL": 31536000}
    },
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=60"}, "size": 7}]}
  })"), ".");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  OriginModel model(scenario->origin, kEpoch, {.bodies = false});
  ModelOriginFetcher fetcher(model);
  auto cache = core::EdgeCache::Create(scenario->distribution, {});
  ASSERT_TRUE(cache.ok());
  const policy::Request get = policy::Request::Get("/a.html");
  ASSERT_EQ((*cache)->Handle(get, kEpoch, fetcher).outcome, policy::CacheOutcome::kMiss);
  const core::EdgeResult hit = (*cache)->Handle(get, kEpoch + absl::Seconds(1), fetcher);
  EXPECT_EQ(hit.outcome, policy::CacheOutcome::kHit);
  ASSERT_NE(hit.stored, nullptr);
  EXPECT_TRUE(hit.stored->head.headers.renders());
  EXPECT_EQ(core::ViewerHeaders(hit).Get("Content-Length"), "7");
  EXPECT_FALSE(hit.stored->head.headers.renders());

  policy::Request conditional = get;
  conditional.headers.Add("If-None-Match", *model.Answer(get, kEpoch)->head.headers.Get("ETag"));
  EXPECT_EQ((*cache)->Handle(conditional, kEpoch + absl::Seconds(2), fetcher).viewer.status, 304);
  EXPECT_EQ(fetcher.requests(), 1u);
}

}  // namespace
}  // namespace edgesim::sim
