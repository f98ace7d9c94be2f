#include "emulator/api_error.h"

#include "gtest/gtest.h"
#include "policy/invalidation.h"
#include "pugixml.hpp"

namespace edgesim::emulator {
namespace {

TEST(ApiErrorTest, CodesKeepTheirHttpStatus) {
  EXPECT_EQ(ToApiError(MakeApiError("NoSuchDistribution", "gone")),
            (ApiError{"NoSuchDistribution", 404, "gone"}));
  EXPECT_EQ(ToApiError(MakeApiError("PreconditionFailed", "etag")).http_status, 412);
  EXPECT_EQ(ToApiError(MakeApiError("DistributionNotDisabled", "on")).http_status, 409);
  EXPECT_EQ(ToApiError(MakeApiError("BatchTooLarge", "big")).http_status, 413);
  EXPECT_EQ(ToApiError(MakeApiError("InvalidIfMatchVersion", "none")).http_status, 400);
}

TEST(ApiErrorTest, PolicyInvalidationErrorsPassThrough) {
  const ApiError e = ToApiError(policy::ValidateInvalidationPath("no-slash"));
  EXPECT_EQ(e.code, "InvalidArgument");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_NE(e.message.find("invalid invalidation paths"), std::string::npos) << e.message;
  EXPECT_EQ(ToApiError(policy::CheckInProgressLimits(0, 15, {"/a*"})),
            (ApiError{"TooManyInvalidationsInProgress", 400,
                      std::string(policy::CheckInProgressLimits(0, 15, {"/a*"}).message())}));
}

// The HTTP statuses of what policy/ says is wrong with a batch are this module's (API 1.6).
TEST(ApiErrorTest, PolicyInvalidationErrorsGetTheirHttpStatusHere) {
  policy::ModelOptions small_batches;
  small_batches.invalidation_batch_max_file_paths = 1;
  const ApiError too_large =
      ToApiError(policy::ValidateInvalidationBatch({"/a", "/b"}, 2, small_batches));
  EXPECT_EQ(too_large.code, "BatchTooLarge");
  EXPECT_EQ(too_large.http_status, 413);
  const ApiError inconsistent = ToApiError(policy::ValidateInvalidationBatch({"/a"}, 2));
  EXPECT_EQ(inconsistent.code, "InconsistentQuantities");
  EXPECT_EQ(inconsistent.http_status, 400);
}

TEST(ApiErrorTest, StatusesWithoutACodeMapByCanonicalCode) {
  EXPECT_EQ(ToApiError(absl::InvalidArgumentError("bad")),
            (ApiError{"InvalidArgument", 400, "bad"}));
  EXPECT_EQ(ToApiError(absl::InternalError("bug")), (ApiError{"InternalError", 500, "bug"}));
  EXPECT_EQ(ApiError{}.type(), "Sender");
  EXPECT_EQ(ToApiError(absl::InternalError("bug")).type(), "Receiver");
}

TEST(ApiErrorTest, XmlEnvelopeParsesBackWithEscapedText) {
  const std::string xml = ApiErrorXml({"InvalidArgument", 400, "path </Message> & <b>"}, "req-1");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  pugi::xml_node root = doc.child("ErrorResponse");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://cloudfront.amazonaws.com/doc/2020-05-31/");
  EXPECT_STREQ(root.child("Error").child_value("Type"), "Sender");
  EXPECT_STREQ(root.child("Error").child_value("Code"), "InvalidArgument");
  EXPECT_STREQ(root.child("Error").child_value("Message"), "path </Message> & <b>");
  EXPECT_STREQ(root.child_value("RequestId"), "req-1");
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\"?>", 0), 0u) << xml;
}

}  // namespace
}  // namespace edgesim::emulator
