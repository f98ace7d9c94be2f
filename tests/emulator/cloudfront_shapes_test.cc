#include "emulator/cloudfront_shapes.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace edgesim::emulator {
namespace {

const CloudFrontShapes& Model() { return CloudFrontShapes::Get(); }

TEST(CloudFrontShapesTest, EveryOperationOfApiMdHasItsMethodUriAndStatus) {
  struct Expected {
    const char* name;
    const char* method;
    const char* uri;
    int status;
  };
  const Expected kOps[] = {
      {"CreateInvalidation", "POST", "/2020-05-31/distribution/{DistributionId}/invalidation", 201},
      {"GetInvalidation", "GET", "/2020-05-31/distribution/{DistributionId}/invalidation/{Id}",
       200},
      {"ListInvalidations", "GET", "/2020-05-31/distribution/{DistributionId}/invalidation", 200},
      {"CreateDistribution", "POST", "/2020-05-31/distribution", 201},
      {"CreateDistributionWithTags", "POST", "/2020-05-31/distribution?WithTags", 201},
      {"GetDistribution", "GET", "/2020-05-31/distribution/{Id}", 200},
      {"GetDistributionConfig", "GET", "/2020-05-31/distribution/{Id}/config", 200},
      {"UpdateDistribution", "PUT", "/2020-05-31/distribution/{Id}/config", 200},
      {"DeleteDistribution", "DELETE", "/2020-05-31/distribution/{Id}", 204},
      {"ListDistributions", "GET", "/2020-05-31/distribution", 200},
      {"CreateCachePolicy", "POST", "/2020-05-31/cache-policy", 201},
      {"GetCachePolicy", "GET", "/2020-05-31/cache-policy/{Id}", 200},
      {"GetCachePolicyConfig", "GET", "/2020-05-31/cache-policy/{Id}/config", 200},
      {"UpdateCachePolicy", "PUT", "/2020-05-31/cache-policy/{Id}", 200},
      {"DeleteCachePolicy", "DELETE", "/2020-05-31/cache-policy/{Id}", 204},
      {"ListCachePolicies", "GET", "/2020-05-31/cache-policy", 200},
      {"ListTagsForResource", "GET", "/2020-05-31/tagging", 200},
      {"TagResource", "POST", "/2020-05-31/tagging?Operation=Tag", 204},
      {"UntagResource", "POST", "/2020-05-31/tagging?Operation=Untag", 204},
      {"CreateOriginRequestPolicy", "POST", "/2020-05-31/origin-request-policy", 201},
      {"GetOriginRequestPolicy", "GET", "/2020-05-31/origin-request-policy/{Id}", 200},
      {"GetOriginRequestPolicyConfig", "GET", "/2020-05-31/origin-request-policy/{Id}/config", 200},
      {"UpdateOriginRequestPolicy", "PUT", "/2020-05-31/origin-request-policy/{Id}", 200},
      {"DeleteOriginRequestPolicy", "DELETE", "/2020-05-31/origin-request-policy/{Id}", 204},
      {"ListOriginRequestPolicies", "GET", "/2020-05-31/origin-request-policy", 200},
      {"CreateResponseHeadersPolicy", "POST", "/2020-05-31/response-headers-policy", 201},
      {"GetResponseHeadersPolicy", "GET", "/2020-05-31/response-headers-policy/{Id}", 200},
      {"GetResponseHeadersPolicyConfig", "GET", "/2020-05-31/response-headers-policy/{Id}/config",
       200},
      {"UpdateResponseHeadersPolicy", "PUT", "/2020-05-31/response-headers-policy/{Id}", 200},
      {"DeleteResponseHeadersPolicy", "DELETE", "/2020-05-31/response-headers-policy/{Id}", 204},
      {"ListResponseHeadersPolicies", "GET", "/2020-05-31/response-headers-policy", 200},
      {"CreateOriginAccessControl", "POST", "/2020-05-31/origin-access-control", 201},
      {"GetOriginAccessControl", "GET", "/2020-05-31/origin-access-control/{Id}", 200},
      {"GetOriginAccessControlConfig", "GET", "/2020-05-31/origin-access-control/{Id}/config", 200},
      {"UpdateOriginAccessControl", "PUT", "/2020-05-31/origin-access-control/{Id}/config", 200},
      {"DeleteOriginAccessControl", "DELETE", "/2020-05-31/origin-access-control/{Id}", 204},
      {"ListOriginAccessControls", "GET", "/2020-05-31/origin-access-control", 200},
      {"CreateCloudFrontOriginAccessIdentity", "POST",
       "/2020-05-31/origin-access-identity/cloudfront", 201},
      {"GetCloudFrontOriginAccessIdentity", "GET",
       "/2020-05-31/origin-access-identity/cloudfront/{Id}", 200},
      {"GetCloudFrontOriginAccessIdentityConfig", "GET",
       "/2020-05-31/origin-access-identity/cloudfront/{Id}/config", 200},
      {"UpdateCloudFrontOriginAccessIdentity", "PUT",
       "/2020-05-31/origin-access-identity/cloudfront/{Id}/config", 200},
      {"DeleteCloudFrontOriginAccessIdentity", "DELETE",
       "/2020-05-31/origin-access-identity/cloudfront/{Id}", 204},
      {"ListCloudFrontOriginAccessIdentities", "GET",
       "/2020-05-31/origin-access-identity/cloudfront", 200},
      {"CreateFunction", "POST", "/2020-05-31/function", 201},
      {"DescribeFunction", "GET", "/2020-05-31/function/{Name}/describe", 200},
      {"GetFunction", "GET", "/2020-05-31/function/{Name}", 200},
      {"UpdateFunction", "PUT", "/2020-05-31/function/{Name}", 200},
      {"PublishFunction", "POST", "/2020-05-31/function/{Name}/publish", 200},
      {"ListFunctions", "GET", "/2020-05-31/function", 200},
      {"DeleteFunction", "DELETE", "/2020-05-31/function/{Name}", 204},
      {"TestFunction", "POST", "/2020-05-31/function/{Name}/test", 200},
      {"CreateKeyValueStore", "POST", "/2020-05-31/key-value-store", 201},
      {"DescribeKeyValueStore", "GET", "/2020-05-31/key-value-store/{Name}", 200},
      {"UpdateKeyValueStore", "PUT", "/2020-05-31/key-value-store/{Name}", 200},
      {"DeleteKeyValueStore", "DELETE", "/2020-05-31/key-value-store/{Name}", 204},
      {"ListKeyValueStores", "GET", "/2020-05-31/key-value-store", 200},
  };
  EXPECT_EQ(Model().operations().size(), std::size(kOps));
  for (const Expected& e : kOps) {
    const Operation* op = Model().FindOperation(e.name);
    ASSERT_NE(op, nullptr) << e.name;
    EXPECT_EQ(op->method, e.method) << e.name;
    EXPECT_EQ(op->uri, e.uri) << e.name;
    EXPECT_EQ(op->status, e.status) << e.name;
    // Every payload shape is in the extract.
    if (!op->input.empty()) {
      EXPECT_NE(Model().FindShape(op->input), nullptr) << e.name;
    }
    if (!op->output.empty()) {
      EXPECT_NE(Model().FindShape(op->output), nullptr) << e.name;
    }
  }
}

TEST(CloudFrontShapesTest, PayloadRootsAreTheModelsElementNames) {
  const Operation& create = *Model().FindOperation("CreateInvalidation");
  EXPECT_EQ(create.input, "InvalidationBatch");
  EXPECT_EQ(create.input_root, "InvalidationBatch");
  EXPECT_EQ(create.output_root, "Invalidation");
  EXPECT_EQ(Model().FindOperation("ListDistributions")->output_root, "DistributionList");
  EXPECT_EQ(Model().FindOperation("GetCachePolicyConfig")->output, "CachePolicyConfig");
  EXPECT_EQ(Model().FindOperation("UntagResource")->input_root, "TagKeys");
  EXPECT_TRUE(Model().FindOperation("DeleteDistribution")->output.empty());
}

TEST(CloudFrontShapesTest, ListsNameTheirMemberElements) {
  auto item_element = [](const char* structure) {
    const Shape& s = *Model().FindShape(structure);
    return Model().FindShape(s.FindMember("Items")->shape)->list_member_name;
  };
  EXPECT_EQ(item_element("Aliases"), "CNAME");
  EXPECT_EQ(item_element("Paths"), "Path");
  EXPECT_EQ(item_element("Origins"), "Origin");
  EXPECT_EQ(item_element("CacheBehaviors"), "CacheBehavior");
  EXPECT_EQ(item_element("InvalidationList"), "InvalidationSummary");
  EXPECT_EQ(item_element("DistributionList"), "DistributionSummary");
  EXPECT_EQ(item_element("Tags"), "Tag");
  EXPECT_EQ(item_element("TagKeys"), "Key");
}

TEST(CloudFrontShapesTest, StructuresKeepModelOrderAndTypes) {
  const Shape& config = *Model().FindShape("DistributionConfig");
  ASSERT_GE(config.members.size(), 12u);
  EXPECT_EQ(config.members[0].name, "CallerReference");
  EXPECT_EQ(config.members[1].name, "Aliases");
  EXPECT_EQ(config.members[3].name, "Origins");
  auto type_of = [](const char* structure, const char* member) {
    return Model().FindShape(Model().FindShape(structure)->FindMember(member)->shape)->type;
  };
  EXPECT_EQ(type_of("Paths", "Quantity"), ShapeType::kInteger);
  EXPECT_EQ(type_of("CachePolicyConfig", "MinTTL"), ShapeType::kLong);
  EXPECT_EQ(type_of("DistributionConfig", "Enabled"), ShapeType::kBoolean);
  EXPECT_EQ(type_of("Invalidation", "CreateTime"), ShapeType::kTimestamp);
  EXPECT_EQ(type_of("DistributionConfig", "PriceClass"), ShapeType::kString);  // an enum
  EXPECT_EQ(type_of("CustomErrorResponse", "ResponseCode"), ShapeType::kString);
  EXPECT_EQ(type_of("CreateFunctionRequest", "FunctionCode"), ShapeType::kBlob);
  EXPECT_EQ(config.FindMemberByXmlName("Origins"), config.FindMember("Origins"));
  EXPECT_EQ(config.FindMember("NoSuchMember"), nullptr);
}

// An input that is its own body (no payload member): its members without the URI label and the
// If-Match header, its root the operation's locationName.
TEST(CloudFrontShapesTest, InputsWithoutAPayloadAreTheirOwnBody) {
  const Operation& update = *Model().FindOperation("UpdateFunction");
  EXPECT_EQ(update.input, "UpdateFunctionRequest");
  EXPECT_EQ(update.input_root, "UpdateFunctionRequest");
  const Shape& request = *Model().FindShape("UpdateFunctionRequest");
  EXPECT_NE(request.FindMember("FunctionCode"), nullptr);
  EXPECT_EQ(request.FindMember("Name"), nullptr);
  EXPECT_EQ(request.FindMember("IfMatch"), nullptr);
}

TEST(CloudFrontShapesTest, UnknownNamesAreNull) {
  EXPECT_EQ(Model().FindShape("NoSuchShape"), nullptr);
  EXPECT_EQ(Model().FindOperation("CreateStreamingDistribution"), nullptr);  // not extracted
}

TEST(CloudFrontShapesTest, ParsesTheExtractorsFormatAndRefusesAMalformedModel) {
  const CloudFrontShapes model(R"({"operations": {}, "shapes": {
      "L": {"type": "list", "member": "string", "member_name": "Name"},
      "S": {"type": "structure", "members": [["B", "string"], ["A", "L", "Aa"]]},
      "string": {"type": "string"}}})");
  const Shape& s = *model.FindShape("S");
  EXPECT_EQ(s.members[0].name, "B");
  EXPECT_EQ(s.members[1].xml_name, "Aa");
  EXPECT_EQ(s.FindMemberByXmlName("Aa")->name, "A");
  EXPECT_EQ(model.FindShape("L")->list_member_name, "Name");
  EXPECT_THROW(CloudFrontShapes(R"({"shapes": {"X": {"type": "map"}}, "operations": {}})"),
               std::exception);
  EXPECT_THROW(CloudFrontShapes("not json"), nlohmann::json::exception);
}

}  // namespace
}  // namespace edgesim::emulator
