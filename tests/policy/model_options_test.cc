// The defaults are docs/spec.md Appendix B's choices for rules CloudFront does not document
// (UNCONFIRMED). Changing one changes what edgesim claims about CloudFront, so it must be a
// deliberate act that also updates this test and docs/spec.md's appendix.
#include "policy/model_options.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

TEST(ModelOptionsTest, DefaultsAreAppendixB_UNCONFIRMED) {
  const ModelOptions o;
  EXPECT_TRUE(o.normalize_path_for_matching);                     // B1
  EXPECT_TRUE(o.question_mark_matches_slash);                     // B2
  EXPECT_TRUE(o.sort_cookies_in_cache_key);                       // B3
  EXPECT_TRUE(o.head_shares_get_entry);                           // B4
  EXPECT_TRUE(o.store_no_cache_for_revalidation);                 // B5
  EXPECT_TRUE(o.no_cache_beats_max_age);                          // B5
  EXPECT_FALSE(o.expires_relative_to_origin_date);                // B6
  EXPECT_FALSE(o.subtract_origin_age);                            // B7
  EXPECT_FALSE(o.cache_undocumented_error_statuses);              // B9
  EXPECT_FALSE(o.stale_window_capped_at_max_ttl_since_store);     // B10
  EXPECT_TRUE(o.caller_reference_conflict_is_invalid_argument);   // B13
  EXPECT_EQ(o.default_error_caching_min_ttl, absl::Seconds(10));  // SPEC 3.5, A19
  EXPECT_EQ(o.invalidation_free_paths_per_month, 1000);           // SPEC 6.6
  EXPECT_DOUBLE_EQ(o.invalidation_price_per_path_usd, 0.005);
  EXPECT_EQ(o.invalidation_batch_max_file_paths, 3000);  // SPEC 6.3
  EXPECT_FALSE(o.store_expired_without_validator);       // B5
}

}  // namespace
}  // namespace edgesim::policy
