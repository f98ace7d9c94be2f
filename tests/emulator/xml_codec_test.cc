#include "emulator/xml_codec.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

absl::StatusOr<json> Batch(const std::string& body) {
  return DecodeXml(body, "InvalidationBatch", "InvalidationBatch");
}

// The code and message of a refusal (empty code when the body was accepted).
ApiError Refusal(const absl::StatusOr<json>& decoded) {
  return decoded.ok() ? ApiError{} : ToApiError(decoded.status());
}

// Captured from aws-cli 1.45 (docs/api-samples/captured-requests.http).
constexpr char kCapturedBatch[] =
    R"(<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>cli-1795303556-828599</CallerReference><Paths><Quantity>3</Quantity><Items><Path>/index.html</Path><Path>/images/*</Path><Path>/a b.html</Path></Items></Paths></InvalidationBatch>)";
constexpr char kCapturedOriginDomainName[] =
    R"(<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>cli-1795303559-332649</CallerReference><Origins><Quantity>1</Quantity><Items><Origin><Id>mybucket.s3.amazonaws.com-1795303559-653273</Id><DomainName>mybucket.s3.amazonaws.com</DomainName><OriginPath /><S3OriginConfig><OriginAccessIdentity /></S3OriginConfig></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>mybucket.s3.amazonaws.com-1795303559-653273</TargetOriginId><ForwardedValues><QueryString>false</QueryString><Cookies><Forward>none</Forward></Cookies></ForwardedValues><TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy><MinTTL>0</MinTTL></DefaultCacheBehavior><Enabled>true</Enabled><Comment /></DistributionConfig>)";

TEST(XmlCodecTest, DecodesACapturedCliBatch) {
  absl::StatusOr<json> batch = Batch(kCapturedBatch);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(*batch, json::parse(R"({"CallerReference": "cli-1795303556-828599",
      "Paths": {"Quantity": 3, "Items": ["/index.html", "/images/*", "/a b.html"]}})"));
}

TEST(XmlCodecTest, DecodesACapturedDistributionConfigWithTypesAndEmpties) {
  absl::StatusOr<json> config =
      DecodeXml(kCapturedOriginDomainName, "DistributionConfig", "DistributionConfig");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ((*config)["Comment"], "");
  EXPECT_EQ((*config)["Enabled"], true);
  EXPECT_EQ((*config)["Origins"]["Quantity"], 1);
  EXPECT_EQ((*config)["Origins"]["Items"][0]["OriginPath"], "");
  EXPECT_EQ((*config)["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"], "");
  const json& behavior = (*config)["DefaultCacheBehavior"];
  EXPECT_EQ(behavior["ForwardedValues"]["QueryString"], false);
  EXPECT_EQ(behavior["MinTTL"], 0);
  EXPECT_TRUE(behavior["MinTTL"].is_number_integer());
  EXPECT_EQ(behavior["TrustedSigners"], json::parse(R"({"Enabled": false, "Quantity": 0})"));
}

// A blob (CreateFunction's FunctionCode) stays the base64 text it is on the wire.
TEST(XmlCodecTest, BlobsAreTheirBase64Text) {
  absl::StatusOr<nlohmann::json> request = DecodeXml(
      "<CreateFunctionRequest><Name>f</Name><FunctionCode>ZnVuY3Rpb24=</FunctionCode>"
      "</CreateFunctionRequest>",
      "CreateFunctionRequest", "CreateFunctionRequest");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ((*request)["FunctionCode"], "ZnVuY3Rpb24=");
  EXPECT_EQ((*request)["Name"], "f");
}

TEST(XmlCodecTest, AnyOrderPrefixesNoNamespaceDeclarationAndUnknownElements) {
  absl::StatusOr<json> batch = Batch(
      R"(<?xml version="1.0" encoding="UTF-8"?>
      <cf:InvalidationBatch xmlns:cf="http://cloudfront.amazonaws.com/doc/2020-05-31/">
        <cf:Paths>
          <cf:Items><cf:Path>/b</cf:Path><Unknown>x</Unknown><cf:Path>/a</cf:Path></cf:Items>
          <cf:Quantity> 2 </cf:Quantity>
        </cf:Paths>
        <Future><Nested>ignored</Nested></Future>
        <cf:CallerReference>ref</cf:CallerReference>
      </cf:InvalidationBatch>)");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(*batch, json::parse(R"({"CallerReference": "ref",
      "Paths": {"Quantity": 2, "Items": ["/b", "/a"]}})"));
}

TEST(XmlCodecTest, EntitiesCdataAndUtf8) {
  absl::StatusOr<json> batch = Batch(
      "<InvalidationBatch><CallerReference> two  spaces </CallerReference><Paths>"
      "<Quantity>3</Quantity><Items><Path>/a&amp;b&lt;c&gt;.html</Path>"
      "<Path>/&#252;ber/\xC3\xBC.html</Path><Path><![CDATA[/x&y]]></Path></Items></Paths>"
      "</InvalidationBatch>");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ((*batch)["Paths"]["Items"], json::parse("[\"/a&b<c>.html\", \"/\xC3\xBC"
                                                    "ber/\xC3\xBC.html\", \"/x&y\"]"));
  EXPECT_EQ((*batch)["CallerReference"], " two  spaces ");
}

TEST(XmlCodecTest, EmptyListsAndStructures) {
  absl::StatusOr<json> batch =
      Batch("<InvalidationBatch><Paths><Quantity>0</Quantity><Items/></Paths></InvalidationBatch>");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ((*batch)["Paths"]["Items"], json::array());
  EXPECT_FALSE(batch->contains("CallerReference"));
}

TEST(XmlCodecTest, BadNumbersAndBooleansNameTheElement) {
  ApiError e = Refusal(
      Batch("<InvalidationBatch><Paths><Quantity>three</Quantity></Paths></InvalidationBatch>"));
  EXPECT_EQ(e.code, "MalformedInput");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_THAT(e.message, HasSubstr("InvalidationBatch.Paths.Quantity"));
  EXPECT_THAT(e.message, HasSubstr("\"three\""));
  // Quantity is an integer (32 bits); MinTTL a long.
  EXPECT_EQ(Refusal(Batch("<InvalidationBatch><Paths><Quantity>3000000000</Quantity></Paths>"
                          "</InvalidationBatch>"))
                .code,
            "MalformedInput");
  absl::StatusOr<json> policy =
      DecodeXml("<CachePolicyConfig><MinTTL>3000000000</MinTTL></CachePolicyConfig>",
                "CachePolicyConfig", "CachePolicyConfig");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ((*policy)["MinTTL"], 3000000000LL);
  e = Refusal(DecodeXml("<DistributionConfig><Enabled>yes</Enabled></DistributionConfig>",
                        "DistributionConfig", "DistributionConfig"));
  EXPECT_EQ(e.code, "MalformedInput");
  EXPECT_THAT(e.message, HasSubstr("DistributionConfig.Enabled"));
}

TEST(XmlCodecTest, DoublesDecodeAsNumbersAndRefuseWhatIsNotOne) {
  // ServerTimingHeadersConfig.SamplingRate is the model's one double.
  const auto timing = [](const std::string& rate) {
    return DecodeXml(absl::StrCat("<ResponseHeadersPolicyConfig><ServerTimingHeadersConfig>"
                                  "<Enabled>true</Enabled><SamplingRate>",
                                  rate,
                                  "</SamplingRate></ServerTimingHeadersConfig>"
                                  "</ResponseHeadersPolicyConfig>"),
                     "ResponseHeadersPolicyConfig", "ResponseHeadersPolicyConfig");
  };
  absl::StatusOr<json> config = timing(" 12.5 ");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ((*config)["ServerTimingHeadersConfig"]["SamplingRate"], 12.5);
  for (const char* bad : {"half", "nan", "inf", ""}) {
    const ApiError e = Refusal(timing(bad));
    EXPECT_EQ(e.code, "MalformedInput") << bad;
    EXPECT_THAT(e.message, HasSubstr("ServerTimingHeadersConfig.SamplingRate")) << bad;
  }
  EXPECT_THAT(EncodeXml(*config, "ResponseHeadersPolicyConfig", "ResponseHeadersPolicyConfig"),
              HasSubstr("<SamplingRate>12.5</SamplingRate>"));
}

TEST(XmlCodecTest, RefusesWhatIsNotTheExpectedDocument) {
  for (const std::string& body :
       std::vector<std::string>{"", "hello", "{\"CallerReference\": \"x\"}", "<InvalidationBatch>",
                                "<InvalidationBatch></Other>", "<Other><Paths/></Other>",
                                "<InvalidationBatch/><InvalidationBatch/>",
                                std::string("<InvalidationBatch>\xff</InvalidationBatch>"),
                                std::string("<InvalidationBatch>\xC0\xAF</InvalidationBatch>")}) {
    const ApiError e = Refusal(Batch(body));
    EXPECT_EQ(e.code, "MalformedInput") << body;
    EXPECT_EQ(e.http_status, 400) << body;
  }
}

TEST(XmlCodecTest, RefusesEveryDoctypeSoNoEntityIsEverExpanded) {
  const std::string laughs =
      R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">)"
      R"(<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">)"
      R"(<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>)"
      R"(<InvalidationBatch><CallerReference>&lol3;</CallerReference></InvalidationBatch>)";
  const std::string external =
      R"(<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>)"
      R"(<InvalidationBatch><CallerReference>&xxe;</CallerReference></InvalidationBatch>)";
  for (const std::string& body : {laughs, external}) {
    const ApiError e = Refusal(Batch(body));
    EXPECT_EQ(e.code, "MalformedInput");
    EXPECT_THAT(e.message, HasSubstr("DOCTYPE"));
  }
}

std::string Nested(int depth) {
  std::string body = "<InvalidationBatch>";
  for (int i = 1; i < depth; ++i) body += "<a>";
  for (int i = 1; i < depth; ++i) body += "</a>";
  return body + "</InvalidationBatch>";
}

TEST(XmlCodecTest, RefusesDeepNestingWithoutExhaustingTheStack) {
  EXPECT_TRUE(Batch(Nested(kMaxXmlDepth)).ok());
  const ApiError e = Refusal(Batch(Nested(kMaxXmlDepth + 1)));
  EXPECT_EQ(e.code, "MalformedInput");
  EXPECT_THAT(e.message, HasSubstr("nested deeper"));
  EXPECT_EQ(Refusal(Batch(Nested(200000))).code, "MalformedInput");  // ~1 MB of <a>
}

TEST(XmlCodecTest, RefusesOversizedBodiesBeforeParsing) {
  std::string body = "<InvalidationBatch><CallerReference>";
  body += std::string(kMaxXmlBodyBytes, 'x');
  body += "</CallerReference></InvalidationBatch>";
  const ApiError e = Refusal(Batch(body));
  EXPECT_EQ(e.code, "MalformedInput");
  EXPECT_THAT(e.message, HasSubstr("larger than"));
  // A 3,000-path batch is far below the bound.
  std::string big =
      "<InvalidationBatch><CallerReference>r</CallerReference><Paths><Quantity>3000"
      "</Quantity><Items>";
  for (int i = 0; i < 3000; ++i)
    big += "<Path>/assets/some/long/path/" + std::to_string(i) + "</Path>";
  big += "</Items></Paths></InvalidationBatch>";
  absl::StatusOr<json> batch = Batch(big);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ((*batch)["Paths"]["Items"].size(), 3000u);
}

TEST(XmlCodecTest, EncodesInModelOrderWithListElementNamesAndNamespace) {
  const json invalidation = json::parse(R"({
      "InvalidationBatch": {"CallerReference": "r&1", "Paths": {"Items": ["/a<b>", "/c"], "Quantity": 2}},
      "CreateTime": "2026-12-04T18:00:00.000Z", "Status": "InProgress", "Id": "I1", "Extra": 5})");
  EXPECT_EQ(
      EncodeXml(invalidation, "Invalidation", "Invalidation"),
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Invalidation xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
      "<Id>I1</Id><Status>InProgress</Status><CreateTime>2026-12-04T18:00:00.000Z</CreateTime>"
      "<InvalidationBatch><Paths><Quantity>2</Quantity><Items><Path>/a&lt;b&gt;</Path>"
      "<Path>/c</Path></Items></Paths><CallerReference>r&amp;1</CallerReference>"
      "</InvalidationBatch></Invalidation>");
}

TEST(XmlCodecTest, EncodingOmitsEmptyListsAndNullsAndWritesScalars) {
  const json list = json::parse(R"({"Marker": "", "MaxItems": 100, "IsTruncated": false,
      "Quantity": 0, "Items": [], "NextMarker": null})");
  EXPECT_EQ(EncodeXml(list, "InvalidationList", "InvalidationList"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<InvalidationList xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
            "<Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated>"
            "<Quantity>0</Quantity></InvalidationList>");
}

TEST(XmlCodecTest, AnEmptyListWithoutAQuantityIsAnEmptyElement) {
  const json result = json::parse(R"({"TestResult": {"ComputeUtilization": "3",
      "FunctionExecutionLogs": [], "FunctionErrorMessage": "", "FunctionOutput": "{}"}})");
  EXPECT_THAT(EncodeXml(result["TestResult"], "TestResult", "TestResult"),
              HasSubstr("<ComputeUtilization>3</ComputeUtilization><FunctionExecutionLogs/>"
                        "<FunctionErrorMessage></FunctionErrorMessage>"));
}

TEST(XmlCodecTest, DocumentTextIsUnindentedWithADeclaration) {
  pugi::xml_document doc;
  doc.append_child("A").append_child("B").text() = "x<y";
  EXPECT_EQ(XmlDocumentText(doc), "<?xml version=\"1.0\"?><A><B>x&lt;y</B></A>");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(XmlCodecTest, RoundTripsARichDistributionConfig) {
  const json config = json::parse(
      ReadFile(std::string(EDGESIM_SOURCE_DIR) + "/tests/testdata/dist-config-s3.json"));
  ASSERT_TRUE(config.contains("CacheBehaviors"));
  const std::string xml = EncodeXml(config, "DistributionConfig", "DistributionConfig");
  EXPECT_THAT(xml, HasSubstr("<Items><CacheBehavior><PathPattern>"));
  absl::StatusOr<json> decoded = DecodeXml(xml, "DistributionConfig", "DistributionConfig");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, config);
}

}  // namespace
}  // namespace edgesim::emulator
