#include "policy/key_value_store.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

TEST(KeyValueStoreData, PutsReplacesAndDeletesCountingKeysAndValues) {
  KeyValueStoreData data;
  ASSERT_TRUE(data.Update({{"home", "/index.html"}, {"a", "1"}}, {}, {}).ok());
  EXPECT_EQ(data.item_count(), 2u);
  EXPECT_EQ(data.total_bytes(), 4u + 11u + 1u + 1u);
  ASSERT_TRUE(data.Update({{"home", "/"}}, {"a"}, {}).ok());
  EXPECT_EQ(*data.Find("home"), "/");
  EXPECT_EQ(data.Find("a"), nullptr);
  EXPECT_EQ(data.total_bytes(), 5u);
}

TEST(KeyValueStoreData, AFailedUpdateChangesNothing) {
  KeyValueStoreData data;
  ASSERT_TRUE(data.Update({{"k", "v"}}, {}, {}).ok());
  // The second put is fine, the delete of a missing key is not: neither happens.
  EXPECT_EQ(data.Update({{"k", "w"}}, {"missing"}, {}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(data.Update({{"k", "w"}, {"k", "x"}}, {}, {}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*data.Find("k"), "v");
  EXPECT_EQ(data.total_bytes(), 2u);
}

TEST(KeyValueStoreData, KeyAndValueSizesAreCharactersNotBytes) {
  KeyValueStoreLimits limits{.max_key_chars = 2, .max_value_chars = 3};
  KeyValueStoreData data;
  EXPECT_TRUE(data.Update({{"\xC3\xA9\xC3\xA9", "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"}}, {},
                          limits)
                  .ok());
  EXPECT_EQ(data.Update({{"abc", "v"}}, {}, limits).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(data.Update({{"", "v"}}, {}, limits).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(data.Update({{"k", "abcd"}}, {}, limits).code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeyValueStoreData, TheStoreSizeIsBounded) {
  KeyValueStoreLimits limits{.max_total_bytes = 10};
  KeyValueStoreData data;
  ASSERT_TRUE(data.Update({{"k1", "12345678"}}, {}, limits).ok());
  EXPECT_EQ(data.Update({{"k2", "x"}}, {}, limits).code(), absl::StatusCode::kResourceExhausted);
  // Replacing a value with a shorter one frees room.
  ASSERT_TRUE(data.Update({{"k1", "1"}}, {}, limits).ok());
  EXPECT_TRUE(data.Update({{"k2", "x"}}, {}, limits).ok());
}

TEST(KeyValueImport, ReadsTheDocumentedFileFormat) {
  absl::StatusOr<std::vector<KeyValuePair>> pairs = ParseKeyValueImport(
      R"({"data":[{"key":"key1","value":"value"},{"key":"key2","value":"{\"a\":1}"}]})");
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[1].key, "key2");
  EXPECT_EQ((*pairs)[1].value, R"({"a":1})");
}

TEST(KeyValueImport, RefusesOtherShapesAndDuplicateKeys) {
  for (const char* bad : {"", "[]", R"({"data":{}})", R"({"data":[{"key":"k"}]})",
                          R"({"data":[{"key":"k","value":1}]})",
                          R"({"data":[{"key":"k","value":"a"},{"key":"k","value":"b"}]})"}) {
    EXPECT_EQ(ParseKeyValueImport(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace edgesim::policy
