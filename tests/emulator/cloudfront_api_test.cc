// CloudFront's REST-XML API on a real `edgesim serve`, driven by an httplib client sending the raw
// bodies the AWS CLI sends (docs/api-samples/captured-requests.http): every route's status
// and headers, the error envelope, malformed, hostile and oversized bodies.
#include "emulator/cloudfront_api.h"

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pugixml.hpp"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using testing::ServeProcess;

constexpr char kXmlns[] = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

// Captured from aws-cli 1.45 (`create-distribution --distribution-config file://...`), with the
// origin pointing at nothing reachable: the API tests never fetch through the edge.
std::string DistributionConfigXml(const std::string& caller_reference, bool enabled = true) {
  return absl::StrCat(
      R"(<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>)",
      caller_reference,
      R"(</CallerReference><Comment>minimal distribution for emulator tests</Comment><Enabled>)",
      enabled ? "true" : "false",
      R"(</Enabled><Origins><Quantity>1</Quantity><Items><Origin><Id>origin-1</Id><DomainName>origin.example.com</DomainName><CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort><OriginProtocolPolicy>http-only</OriginProtocolPolicy></CustomOriginConfig></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>origin-1</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy><ForwardedValues><QueryString>false</QueryString><Cookies><Forward>none</Forward></Cookies></ForwardedValues><MinTTL>0</MinTTL></DefaultCacheBehavior></DistributionConfig>)");
}

constexpr char kBatch[] =
    R"(<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>cf-emu-inv-001</CallerReference><Paths><Quantity>3</Quantity><Items><Path>/index.html</Path><Path>/images/*</Path><Path>/css/site.css</Path></Items></Paths></InvalidationBatch>)";

constexpr char kCachePolicy[] =
    R"(<CachePolicyConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Name>api-test-policy</Name><Comment>sample</Comment><DefaultTTL>86400</DefaultTTL><MaxTTL>31536000</MaxTTL><MinTTL>1</MinTTL><ParametersInCacheKeyAndForwardedToOrigin><EnableAcceptEncodingGzip>true</EnableAcceptEncodingGzip><EnableAcceptEncodingBrotli>true</EnableAcceptEncodingBrotli><HeadersConfig><HeaderBehavior>none</HeaderBehavior></HeadersConfig><CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig><QueryStringsConfig><QueryStringBehavior>none</QueryStringBehavior></QueryStringsConfig></ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig>)";

// The text of the first element at `path` ("Distribution/Id") of an XML body; "" when absent.
std::string XmlText(const std::string& body, const std::string& path) {
  pugi::xml_document doc;
  if (!doc.load_string(body.c_str())) return "";
  return doc.first_element_by_path(path.c_str()).text().get();
}

class CloudFrontApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ServeProcess>> p =
        ServeProcess::Start({"--invalidation-delay", "0"});
    ASSERT_TRUE(p.ok()) << p.status();
    serve_ = *std::move(p);
  }

  httplib::Result Send(const std::string& method, const std::string& path,
                       const std::string& body = "", httplib::Headers headers = {}) {
    httplib::Client api = serve_->Api();
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    req.body = body;  // no Content-Type, like botocore
    if (method == "POST" || method == "PUT") {
      req.headers.emplace("Content-Length", std::to_string(body.size()));
    }
    return api.send(req);
  }

  // Asserts the CloudFront error envelope, with the header's request id in the body.
  void ExpectError(const httplib::Result& r, int status, const std::string& code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/xml");
    EXPECT_EQ(XmlText(r->body, "ErrorResponse/Error/Code"), code) << r->body;
    EXPECT_EQ(XmlText(r->body, "ErrorResponse/Error/Type"), status >= 500 ? "Receiver" : "Sender");
    const std::string id = r->get_header_value("x-amz-request-id");
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(XmlText(r->body, "ErrorResponse/RequestId"), id);
  }

  // Creates a distribution; its Id and ETag.
  std::pair<std::string, std::string> Create(const std::string& caller_reference,
                                             bool enabled = true) {
    httplib::Result r =
        Send("POST", "/2020-05-31/distribution", DistributionConfigXml(caller_reference, enabled));
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    if (!r) return {};
    return {XmlText(r->body, "Distribution/Id"), r->get_header_value("ETag")};
  }

  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(CloudFrontApiTest, CreateDistributionAnswers201WithLocationETagAndXml) {
  httplib::Result r = Send("POST", "/2020-05-31/distribution", DistributionConfigXml("ref-1"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = XmlText(r->body, "Distribution/Id");
  EXPECT_THAT(id, MatchesRegex("E[A-Z0-9]+"));
  EXPECT_EQ(r->get_header_value("Location"),
            "https://cloudfront.amazonaws.com/2020-05-31/distribution/" + id);
  EXPECT_FALSE(r->get_header_value("ETag").empty());
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/xml");
  EXPECT_FALSE(r->get_header_value("x-amz-request-id").empty());
  EXPECT_THAT(r->body, HasSubstr(absl::StrCat("<Distribution xmlns=\"", kXmlns, "\">")));
  EXPECT_EQ(XmlText(r->body, "Distribution/DistributionConfig/Origins/Items/Origin/Id"),
            "origin-1");
  EXPECT_EQ(XmlText(r->body, "Distribution/DistributionConfig/Enabled"), "true");

  // Served by the edge at once.
  EXPECT_THAT(serve_->Stdout(), HasSubstr("api listening"));
  auto stats = serve_->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(stats->dump(), HasSubstr(id));

  // The same CallerReference again: DistributionAlreadyExists.
  ExpectError(Send("POST", "/2020-05-31/distribution", DistributionConfigXml("ref-1")), 409,
              "DistributionAlreadyExists");
}

TEST_F(CloudFrontApiTest, GetUpdateAndDeleteFollowETagRules) {
  const auto [id, etag] = Create("ref-2");
  const std::string base = "/2020-05-31/distribution/" + id;
  httplib::Result got = Send("GET", base);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->get_header_value("ETag"), etag);
  EXPECT_EQ(XmlText(got->body, "Distribution/Id"), id);
  httplib::Result config = Send("GET", base + "/config");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->status, 200);
  EXPECT_EQ(config->get_header_value("ETag"), etag);
  EXPECT_EQ(XmlText(config->body, "DistributionConfig/CallerReference"), "ref-2");

  ExpectError(Send("PUT", base + "/config", DistributionConfigXml("ref-2")), 400,
              "InvalidIfMatchVersion");
  ExpectError(Send("PUT", base + "/config", DistributionConfigXml("ref-2"), {{"If-Match", ""}}),
              400, "InvalidIfMatchVersion");
  ExpectError(
      Send("PUT", base + "/config", DistributionConfigXml("ref-2"), {{"If-Match", "STALE"}}), 412,
      "PreconditionFailed");
  ExpectError(Send("PUT", base + "/config", "", {{"If-Match", etag}}), 400, "MissingBody");
  httplib::Result updated =
      Send("PUT", base + "/config", DistributionConfigXml("ref-2", false), {{"If-Match", etag}});
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;
  const std::string new_etag = updated->get_header_value("ETag");
  EXPECT_NE(new_etag, etag);
  EXPECT_EQ(XmlText(updated->body, "Distribution/DistributionConfig/Enabled"), "false");

  ExpectError(Send("DELETE", base, "", {{"If-Match", etag}}), 412, "PreconditionFailed");
  httplib::Result deleted = Send("DELETE", base, "", {{"If-Match", new_etag}});
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  EXPECT_TRUE(deleted->body.empty());
  EXPECT_FALSE(deleted->get_header_value("x-amz-request-id").empty());
  ExpectError(Send("GET", base), 404, "NoSuchDistribution");
}

TEST_F(CloudFrontApiTest, DeleteNeedsADisabledDistribution) {
  const auto [id, etag] = Create("ref-3");
  ExpectError(Send("DELETE", "/2020-05-31/distribution/" + id, "", {{"If-Match", etag}}), 409,
              "DistributionNotDisabled");
}

TEST_F(CloudFrontApiTest, ListDistributionsPaginatesAndChecksMaxItems) {
  Create("ref-a");
  Create("ref-b");
  httplib::Result page = Send("GET", "/2020-05-31/distribution?MaxItems=1");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(XmlText(page->body, "DistributionList/IsTruncated"), "true");
  EXPECT_EQ(XmlText(page->body, "DistributionList/MaxItems"), "1");
  const std::string next = XmlText(page->body, "DistributionList/NextMarker");
  EXPECT_FALSE(next.empty());
  EXPECT_FALSE(XmlText(page->body, "DistributionList/Items/DistributionSummary/Id").empty());
  httplib::Result rest = Send("GET", "/2020-05-31/distribution?MaxItems=1&Marker=" + next);
  ASSERT_TRUE(rest);
  EXPECT_EQ(XmlText(rest->body, "DistributionList/IsTruncated"), "false");
  ExpectError(Send("GET", "/2020-05-31/distribution?MaxItems=abc"), 400, "InvalidArgument");
  ExpectError(Send("GET", "/2020-05-31/distribution?MaxItems=-1"), 400, "InvalidArgument");
}

TEST_F(CloudFrontApiTest, InvalidationsCreateGetAndList) {
  const auto [id, etag] = Create("ref-4");
  const std::string base = "/2020-05-31/distribution/" + id + "/invalidation";
  httplib::Result created = Send("POST", base, kBatch);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string inv = XmlText(created->body, "Invalidation/Id");
  EXPECT_THAT(inv, MatchesRegex("I[A-Z0-9]+"));
  EXPECT_EQ(created->get_header_value("Location"),
            absl::StrCat("https://cloudfront.amazonaws.com/2020-05-31/distribution/", id,
                         "/invalidation/", inv));
  EXPECT_EQ(XmlText(created->body, "Invalidation/InvalidationBatch/Paths/Items/Path"),
            "/index.html");
  // The same batch again is the same invalidation.
  httplib::Result retry = Send("POST", base, kBatch);
  ASSERT_TRUE(retry);
  EXPECT_EQ(XmlText(retry->body, "Invalidation/Id"), inv);

  httplib::Result got = Send("GET", base + "/" + inv);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(XmlText(got->body, "Invalidation/Status"), "Completed");  // --invalidation-delay 0
  httplib::Result list = Send("GET", base + "?MaxItems=2");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(XmlText(list->body, "InvalidationList/Items/InvalidationSummary/Id"), inv);
  EXPECT_EQ(XmlText(list->body, "InvalidationList/Quantity"), "1");

  ExpectError(Send("GET", base + "/INOSUCH"), 404, "NoSuchInvalidation");
  ExpectError(Send("POST", "/2020-05-31/distribution/ENOSUCH/invalidation", kBatch), 404,
              "NoSuchDistribution");
  ExpectError(Send("GET", base + "?MaxItems=x"), 400, "InvalidArgument");
  ExpectError(Send("POST", base, ""), 400, "MissingBody");
  ExpectError(Send("POST", base,
                   "<InvalidationBatch><CallerReference>q</CallerReference><Paths><Quantity>2"
                   "</Quantity><Items><Path>/a</Path></Items></Paths></InvalidationBatch>"),
              400, "InconsistentQuantities");
}

TEST_F(CloudFrontApiTest, MalformedHostileAndOversizedBodiesAreMalformedInput) {
  const auto [id, etag] = Create("ref-5");
  const std::string base = "/2020-05-31/distribution/" + id + "/invalidation";
  ExpectError(Send("POST", base, "this is not XML"), 400, "MalformedInput");
  ExpectError(Send("POST", base,
                   "<InvalidationBatch><Paths><Quantity>x</Quantity></Paths>"
                   "</InvalidationBatch>"),
              400, "MalformedInput");
  ExpectError(Send("POST", base,
                   R"(<!DOCTYPE a [<!ENTITY e "x"><!ENTITY f "&e;&e;&e;">]><InvalidationBatch>)"
                   R"(<CallerReference>&f;</CallerReference></InvalidationBatch>)"),
              400, "MalformedInput");
  std::string deep = "<InvalidationBatch>";
  for (int i = 0; i < 5000; ++i) deep += "<a>";
  ExpectError(Send("POST", base, deep), 400, "MalformedInput");
  // Over the 1 MiB bound: refused by the server before any parsing (and the connection stays
  // usable for the next call).
  ExpectError(Send("POST", base, std::string(2 << 20, '<')), 400, "MalformedInput");
  httplib::Result after = Send("GET", base);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

// curl -d sends application/x-www-form-urlencoded; such a body is read under the same 1 MiB
// bound as any other (httplib's own default for form bodies is 8 KiB).
TEST_F(CloudFrontApiTest, AFormContentTypeBodyHasTheSameSizeBound) {
  const auto [id, etag] = Create("ref-form");
  std::string paths;
  constexpr int kFormPaths = 400;
  for (int i = 0; i < kFormPaths; ++i) {
    absl::StrAppend(&paths, "<Path>/assets/deeply/nested/folder/file-", i, ".js</Path>");
  }
  const std::string batch =
      absl::StrCat(R"(<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">)",
                   "<CallerReference>form-body</CallerReference><Paths><Quantity>", kFormPaths,
                   "</Quantity><Items>", paths, "</Items></Paths></InvalidationBatch>");
  ASSERT_GT(batch.size(), 16u << 10);
  httplib::Result created = Send("POST", "/2020-05-31/distribution/" + id + "/invalidation", batch,
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(XmlText(created->body, "Invalidation/InvalidationBatch/Paths/Quantity"),
            absl::StrCat(kFormPaths));
}

// `curl -X POST` sends neither Content-Length nor Transfer-Encoding: such a request has no body
// (RFC 9112 section 6.3) and is answered MissingBody, not read until the connection times out.
TEST_F(CloudFrontApiTest, APostWithoutContentLengthHasNoBody) {
  auto responses = serve_->RawApiExchange(
      "POST /2020-05-31/distribution HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1);
  ASSERT_TRUE(responses.ok()) << responses.status();
  ASSERT_EQ(responses->size(), 1u);
  EXPECT_EQ(responses->front().result_int(), 400);
  EXPECT_EQ(XmlText(responses->front().body(), "ErrorResponse/Error/Code"), "MissingBody")
      << responses->front().body();
}

TEST_F(CloudFrontApiTest, UnknownRoutesAreXml404sAndTheAdminApiStillAnswers) {
  ExpectError(Send("GET", "/2020-05-31/no-such-thing"), 404, "NotFound");
  ExpectError(Send("PATCH", "/2020-05-31/distribution"), 404, "NotFound");
  ExpectError(Send("POST", "/2020-05-31/distribution/E1/config", "<x/>"), 404, "NotFound");
  ASSERT_TRUE(serve_->AdminGet("/_edgesim/health").ok());
  httplib::Result admin_404 = Send("GET", "/_edgesim/no-such-thing");
  ASSERT_TRUE(admin_404);
  EXPECT_EQ(admin_404->status, 404);
  EXPECT_THAT(admin_404->body, ::testing::Not(HasSubstr("ErrorResponse")));
}

TEST_F(CloudFrontApiTest, CachePolicies) {
  httplib::Result managed = Send("GET", "/2020-05-31/cache-policy?Type=managed");
  ASSERT_TRUE(managed);
  EXPECT_EQ(managed->status, 200);
  EXPECT_THAT(managed->body, HasSubstr("658327ea-f89d-4fab-a63d-7e88639e58f6"));
  EXPECT_THAT(managed->body, HasSubstr("<CachePolicySummary><Type>managed</Type>"));
  ExpectError(Send("GET", "/2020-05-31/cache-policy?Type=other"), 400, "InvalidArgument");

  httplib::Result created = Send("POST", "/2020-05-31/cache-policy", kCachePolicy);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = XmlText(created->body, "CachePolicy/Id");
  const std::string etag = created->get_header_value("ETag");
  EXPECT_EQ(created->get_header_value("Location"),
            "https://cloudfront.amazonaws.com/2020-05-31/cache-policy/" + id);
  httplib::Result config = Send("GET", "/2020-05-31/cache-policy/" + id + "/config");
  ASSERT_TRUE(config);
  EXPECT_EQ(XmlText(config->body, "CachePolicyConfig/MinTTL"), "1");
  httplib::Result got = Send("GET", "/2020-05-31/cache-policy/" + id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->get_header_value("ETag"), etag);
  httplib::Result updated =
      Send("PUT", "/2020-05-31/cache-policy/" + id, kCachePolicy, {{"If-Match", etag}});
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->status, 200) << updated->body;
  httplib::Result deleted = Send("DELETE", "/2020-05-31/cache-policy/" + id, "",
                                 {{"If-Match", updated->get_header_value("ETag")}});
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  ExpectError(Send("GET", "/2020-05-31/cache-policy/" + id), 404, "NoSuchCachePolicy");
}

TEST_F(CloudFrontApiTest, TagsAndCreateDistributionWithTags) {
  // The inner DistributionConfig keeps the xmlns the CLI puts on it: harmless.
  const std::string body =
      absl::StrCat("<DistributionConfigWithTags>", DistributionConfigXml("ref-tags"),
                   "<Tags><Items><Tag><Key>team</Key><Value>web</Value></Tag></Items></Tags>"
                   "</DistributionConfigWithTags>");
  httplib::Result created = Send("POST", "/2020-05-31/distribution?WithTags", body);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string arn = XmlText(created->body, "Distribution/ARN");
  EXPECT_THAT(arn, HasSubstr("arn:aws:cloudfront::"));
  const std::string tagging =
      "/2020-05-31/tagging?Resource=" + httplib::detail::encode_query_param(arn);
  httplib::Result tags = Send("GET", tagging);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->status, 200) << tags->body;
  EXPECT_EQ(XmlText(tags->body, "Tags/Items/Tag/Key"), "team");

  httplib::Result tagged =
      Send("POST", tagging + "&Operation=Tag",
           "<Tags><Items><Tag><Key>env</Key><Value>ci</Value></Tag></Items></Tags>");
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->status, 204) << tagged->body;
  httplib::Result untagged = Send("POST", tagging + "&Operation=Untag",
                                  "<TagKeys><Items><Key>team</Key></Items></TagKeys>");
  ASSERT_TRUE(untagged);
  EXPECT_EQ(untagged->status, 204) << untagged->body;
  tags = Send("GET", tagging);
  EXPECT_EQ(XmlText(tags->body, "Tags/Items/Tag/Key"), "env");
  ExpectError(Send("GET", "/2020-05-31/tagging"), 400, "InvalidArgument");
  ExpectError(Send("POST", tagging + "&Operation=Retag", "<Tags/>"), 400, "InvalidArgument");
}

// SPEC 12.1: OriginGroups in CloudFront's XML, as the CLI sends them, and back from the config.
std::string OriginGroupConfigXml(const std::string& caller_reference,
                                 const std::string& allowed_methods) {
  return absl::StrCat(
      R"(<DistributionConfig><CallerReference>)", caller_reference,
      R"(</CallerReference><Comment></Comment><Enabled>true</Enabled><Origins><Quantity>2</Quantity><Items>)",
      R"(<Origin><Id>o1</Id><DomainName>one.example.com</DomainName><CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort><OriginProtocolPolicy>http-only</OriginProtocolPolicy></CustomOriginConfig></Origin>)",
      R"(<Origin><Id>o2</Id><DomainName>two.example.com</DomainName><CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort><OriginProtocolPolicy>http-only</OriginProtocolPolicy></CustomOriginConfig></Origin>)",
      R"(</Items></Origins><OriginGroups><Quantity>1</Quantity><Items><OriginGroup><Id>g</Id>)",
      R"(<FailoverCriteria><StatusCodes><Quantity>2</Quantity><Items><StatusCode>503</StatusCode><StatusCode>404</StatusCode></Items></StatusCodes></FailoverCriteria>)",
      R"(<Members><Quantity>2</Quantity><Items><OriginGroupMember><OriginId>o1</OriginId></OriginGroupMember><OriginGroupMember><OriginId>o2</OriginId></OriginGroupMember></Items></Members>)",
      R"(<SelectionCriteria>default</SelectionCriteria></OriginGroup></Items></OriginGroups>)",
      R"(<DefaultCacheBehavior><TargetOriginId>g</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy>)",
      R"(<AllowedMethods>)", allowed_methods, R"(</AllowedMethods>)",
      R"(<CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior></DistributionConfig>)");
}

TEST_F(CloudFrontApiTest, OriginGroupsRoundTripAndABehaviorForOneCannotAllowPost) {
  httplib::Result r = Send("POST", "/2020-05-31/distribution",
                           OriginGroupConfigXml("ref-groups",
                                                "<Quantity>2</Quantity><Items><Method>GET</Method>"
                                                "<Method>HEAD</Method></Items>"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  httplib::Result config = Send(
      "GET",
      absl::StrCat("/2020-05-31/distribution/", XmlText(r->body, "Distribution/Id"), "/config"));
  ASSERT_TRUE(config);
  EXPECT_THAT(config->body,
              HasSubstr("<OriginGroups><Quantity>1</Quantity><Items><OriginGroup><Id>g</Id>"
                        "<FailoverCriteria><StatusCodes><Quantity>2</Quantity><Items>"
                        "<StatusCode>503</StatusCode><StatusCode>404</StatusCode></Items>"
                        "</StatusCodes></FailoverCriteria><Members><Quantity>2</Quantity><Items>"
                        "<OriginGroupMember><OriginId>o1</OriginId></OriginGroupMember>"
                        "<OriginGroupMember><OriginId>o2</OriginId></OriginGroupMember></Items>"
                        "</Members><SelectionCriteria>default</SelectionCriteria></OriginGroup>"
                        "</Items></OriginGroups>"))
      << config->body;

  httplib::Result post = Send(
      "POST", "/2020-05-31/distribution",
      OriginGroupConfigXml("ref-groups-post",
                           "<Quantity>7</Quantity><Items><Method>GET</Method><Method>HEAD</Method>"
                           "<Method>OPTIONS</Method><Method>PUT</Method><Method>POST</Method>"
                           "<Method>PATCH</Method><Method>DELETE</Method></Items>"));
  ExpectError(post, 400, "InvalidArgument");
  EXPECT_THAT(XmlText(post->body, "ErrorResponse/Error/Message"),
              HasSubstr("The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE "
                        "for a cached behavior associated with an origin group."));
}

// serve's wiring: --demo is adopted (listed, invalidatable), the banner shows the aws commands,
// and --propagation-delay holds an invalidation back in a POP.
TEST(CloudFrontApiServeTest, DemoIsAdoptedAndPropagationDelayHoldsInvalidationsBack) {
  absl::StatusOr<std::unique_ptr<ServeProcess>> serve = ServeProcess::Start(
      {"--demo", "--invalidation-delay", "0", "--propagation-delay", "IAD89-C1=30"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  ASSERT_TRUE((*serve)->WaitForStdout("wait invalidation-completed"));
  EXPECT_THAT((*serve)->Stdout(),
              HasSubstr("export AWS_ENDPOINT_URL_CLOUDFRONT=" + (*serve)->api_url()));
  httplib::Result list = (*serve)->Api().Get("/2020-05-31/distribution");
  ASSERT_TRUE(list);
  const std::string id = XmlText(list->body, "DistributionList/Items/DistributionSummary/Id");
  ASSERT_FALSE(id.empty()) << list->body;
  EXPECT_THAT((*serve)->Stdout(), HasSubstr("create-invalidation --distribution-id " + id));

  httplib::Client edge = (*serve)->Edge();
  const char* kAsset = "/assets/app.3f9a1c.js";  // cached for a year
  ASSERT_EQ(edge.Get(kAsset)->get_header_value("X-Cache"), "Miss from cloudfront");
  ASSERT_EQ(edge.Get(kAsset)->get_header_value("X-Cache"), "Hit from cloudfront");
  httplib::Result inv =
      (*serve)->Api().Post(absl::StrCat("/2020-05-31/distribution/", id, "/invalidation"),
                           "<InvalidationBatch><CallerReference>p</CallerReference><Paths>"
                           "<Quantity>1</Quantity><Items><Path>/*</Path></Items></Paths>"
                           "</InvalidationBatch>",
                           "");
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->status, 201) << inv->body;
  EXPECT_EQ(edge.Get(kAsset)->get_header_value("X-Cache"), "Hit from cloudfront");
  ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(31)).ok());
  EXPECT_EQ(edge.Get(kAsset)->get_header_value("X-Cache"), "Miss from cloudfront");
}

// The demo distribution's id, as ListDistributions names it.
std::string DemoIdOf(ServeProcess& serve) {
  httplib::Result list = serve.Api().Get("/2020-05-31/distribution");
  return list ? XmlText(list->body, "DistributionList/Items/DistributionSummary/Id") : "";
}

// Creates an invalidation of `path` the way botocore does; its Id.
std::string InvalidateOver(ServeProcess& serve, const std::string& distribution,
                           const std::string& path, const std::string& caller_reference) {
  httplib::Result inv = serve.Api().Post(
      absl::StrCat("/2020-05-31/distribution/", distribution, "/invalidation"),
      absl::StrCat("<InvalidationBatch><CallerReference>", caller_reference,
                   "</CallerReference><Paths><Quantity>1</Quantity><Items><Path>", path,
                   "</Path></Items></Paths></InvalidationBatch>"),
      "");
  EXPECT_TRUE(inv && inv->status == 201) << (inv ? inv->body : "no answer");
  return inv ? XmlText(inv->body, "Invalidation/Id") : "";
}

std::string InvalidationStatusOver(ServeProcess& serve, const std::string& distribution,
                                   const std::string& id) {
  httplib::Result r = serve.Api().Get(
      absl::StrCat("/2020-05-31/distribution/", distribution, "/invalidation/", id));
  return r ? XmlText(r->body, "Invalidation/Status") : "";
}

size_t CachedEntriesOf(ServeProcess& serve, const std::string& pop) {
  absl::StatusOr<nlohmann::json> cache = serve.AdminGet("/_edgesim/cache?pop=" + pop);
  EXPECT_TRUE(cache.ok()) << cache.status();
  return cache.ok() ? (*cache)["entries"].size() : 0;
}

// --origin ID=URL also reaches distributions the API creates later, by their origin's id.
TEST(CloudFrontApiServeTest, OriginFlagAppliesToDistributionsCreatedLater) {
  LocalHttpServer origin;
  origin.server().Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(absl::StrCat("hello from ", req.get_header_value("Host")), "text/plain");
  });
  absl::StatusOr<std::unique_ptr<ServeProcess>> serve = ServeProcess::Start(
      {"--origin", absl::StrCat("origin-1=http://127.0.0.1:", origin.port())});
  ASSERT_TRUE(serve.ok()) << serve.status();
  httplib::Result created = (*serve)->Api().Post("/2020-05-31/distribution",
                                                 DistributionConfigXml("later"), "");
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "no answer");
  const std::string domain = XmlText(created->body, "Distribution/DomainName");
  auto r = (*serve)->Edge().Get("/hello", {{"Host", domain}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "hello from origin.example.com");
}

// SPEC 6.8: UpdateDistribution (here only the Comment, as `aws cloudfront update-distribution`
// sends the config it got back) keeps every POP's cached objects.
TEST(CloudFrontApiServeTest, UpdateDistributionKeepsTheCachedObjects) {
  absl::StatusOr<std::unique_ptr<ServeProcess>> serve =
      ServeProcess::Start({"--demo", "--pops", "IAD89-C1,FRA56-P1", "--invalidation-delay", "0"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string id = DemoIdOf(**serve);
  ASSERT_FALSE(id.empty());
  httplib::Client edge = (*serve)->Edge();
  const char* kAsset = "/assets/app.3f9a1c.js";  // cached for a year
  for (const char* pop : {"IAD89-C1", "FRA56-P1"}) {
    for (const char* path : {kAsset, "/about.html"}) {
      ASSERT_EQ(edge.Get(path, {{"x-edgesim-pop", pop}})->get_header_value("X-Cache"),
                "Miss from cloudfront");
    }
  }
  ASSERT_EQ(CachedEntriesOf(**serve, "IAD89-C1"), 2u);

  const std::string config_path = absl::StrCat("/2020-05-31/distribution/", id, "/config");
  httplib::Result config = (*serve)->Api().Get(config_path);
  ASSERT_TRUE(config && config->status == 200);
  std::string body = config->body;
  const size_t open = body.find("<Comment>"), close = body.find("</Comment>");
  ASSERT_NE(open, std::string::npos);
  body.replace(open, close - open, "<Comment>changed by the test");
  httplib::Result updated = (*serve)->Api().Put(
      config_path, {{"If-Match", config->get_header_value("ETag")}}, body, "");
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;
  EXPECT_EQ(XmlText(updated->body, "Distribution/DistributionConfig/Comment"),
            "changed by the test");

  EXPECT_EQ(CachedEntriesOf(**serve, "IAD89-C1"), 2u);
  EXPECT_EQ(CachedEntriesOf(**serve, "FRA56-P1"), 2u);
  for (const char* pop : {"IAD89-C1", "FRA56-P1"}) {
    EXPECT_EQ(edge.Get(kAsset, {{"x-edgesim-pop", pop}})->get_header_value("X-Cache"),
              "Hit from cloudfront")
        << pop;
  }
  absl::StatusOr<nlohmann::json> stats = (*serve)->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["distributions"][0]["caches"][0]["counters"]["requests"], 3);
  // Invalidations still reach the kept objects. (The redeployed demo fetches from its config's
  // origin, not the built-in one, so the refetch is an error: what matters is no Hit.)
  InvalidateOver(**serve, id, "/assets/*", "after-update");
  EXPECT_NE(edge.Get(kAsset)->get_header_value("X-Cache"), "Hit from cloudfront");
}

// SPEC 6.5: by default each POP applies an invalidation at its own moment within
// --invalidation-delay, and the status turns Completed once the last one has; on the manual
// clock, advancing it past the window completes it.
TEST(CloudFrontApiServeTest, InvalidationsPropagateWithinTheWindowOnTheManualClock) {
  const std::vector<std::string> pops = {"IAD89-C1", "FRA56-P1", "NRT57-P2", "GRU50-C1"};
  absl::StatusOr<std::unique_ptr<ServeProcess>> serve = ServeProcess::Start(
      {"--demo", "--pops", absl::StrJoin(pops, ","), "--invalidation-delay", "60"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string id = DemoIdOf(**serve);
  httplib::Client edge = (*serve)->Edge();
  const char* kAsset = "/assets/app.3f9a1c.js";
  for (const std::string& pop : pops) edge.Get(kAsset, {{"x-edgesim-pop", pop}});

  const std::string inv = InvalidateOver(**serve, id, "/assets/*", "stagger");
  // At once: no POP has applied it yet, and it is InProgress.
  for (const std::string& pop : pops) {
    EXPECT_EQ(edge.Get(kAsset, {{"x-edgesim-pop", pop}})->get_header_value("X-Cache"),
              "Hit from cloudfront")
        << pop;
  }
  EXPECT_EQ(InvalidationStatusOver(**serve, id, inv), "InProgress");
  // Second by second, each POP misses from its own moment on (and caches the new copy again);
  // the status turns Completed with the last.
  std::set<std::string> applied;
  int seconds_when_completed = -1;
  for (int second = 1; second <= 60; ++second) {
    ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(1)).ok());
    for (const std::string& pop : pops) {
      if (applied.contains(pop)) continue;
      if (edge.Get(kAsset, {{"x-edgesim-pop", pop}})->get_header_value("X-Cache") ==
          "Miss from cloudfront") {
        applied.insert(pop);
      }
    }
    const std::string status = InvalidationStatusOver(**serve, id, inv);
    EXPECT_EQ(status == "Completed", applied.size() == pops.size()) << "at " << second << " s";
    if (status == "Completed" && seconds_when_completed < 0) seconds_when_completed = second;
  }
  EXPECT_EQ(applied.size(), pops.size());
  EXPECT_GT(seconds_when_completed, 0);
}

}  // namespace
}  // namespace edgesim::emulator
