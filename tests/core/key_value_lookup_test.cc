// cloudfront.kvs() in runtime 2.0 functions, through the real engine, reading a KeyValueLookup.
#include "core/key_value_lookup.h"

#include <map>
#include <string>

#include "core/function_runtime.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

using ::testing::HasSubstr;

constexpr char kKvsTestStoreId[] = "5e0a1e52-1d7c-4c2b-9f3e-000000000001";

// One store held in a map: the runtime's view of what `edgesim serve` keeps.
class KvsTestStores : public KeyValueLookup {
 public:
  std::optional<std::string> Get(absl::string_view store_id,
                                 absl::string_view key) const override {
    if (store_id != kKvsTestStoreId) return std::nullopt;
    const auto it = values.find(std::string(key));
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  std::optional<KeyValueStoreMeta> Meta(absl::string_view store_id) const override {
    if (store_id != kKvsTestStoreId) return std::nullopt;
    return KeyValueStoreMeta{absl::FromUnixSeconds(1700000000),
                             absl::FromUnixMillis(1700000123456), values.size()};
  }

  std::map<std::string, std::string> values;
};

// Runs a 2.0 function associated with the test store (or none) on a viewer-request event.
FunctionRun RunKvsTestFunction(const KvsTestStores& stores, const std::string& code,
                               const std::string& store_id = kKvsTestStoreId) {
  FunctionRuntimeLimits limits;
  limits.compute_budget = absl::Milliseconds(500);
  limits.wall_limit = absl::Seconds(30);
  limits.key_values = &stores;
  policy::Request request = policy::Request::Get("/old");
  return RunCloudFrontFunction({"kvs-fn", policy::FunctionRuntime::kJs2, code, store_id},
                               policy::ViewerRequestEvent({}, request), limits);
}

// A redirect table: the function looks the URI up and rewrites it when the store has it.
constexpr char kKvsTestRewrite[] = R"JS(import cf from 'cloudfront';
const kvsHandle = cf.kvs();
async function handler(event) {
  const request = event.request;
  if (await kvsHandle.exists(request.uri)) {
    request.uri = await kvsHandle.get(request.uri);
  }
  return request;
}
)JS";

TEST(KeyValueLookupBinding, AFunctionReadsAKeyOfItsStore) {
  KvsTestStores stores;
  stores.values["/old"] = "/new/index.html";
  FunctionRun run = RunKvsTestFunction(stores, kKvsTestRewrite);
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output["uri"], "/new/index.html");
  // Without the key the function leaves the request alone.
  stores.values.clear();
  run = RunKvsTestFunction(stores, kKvsTestRewrite);
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output["uri"], "/old");
}

TEST(KeyValueLookupBinding, FormatsStringJsonAndBytes) {
  KvsTestStores stores;
  stores.values["cfg"] = R"({"ratio":0.25,"tags":["a","b"]})";
  stores.values["word"] = "h\xC3\xA9";
  FunctionRun run = RunKvsTestFunction(stores, R"JS(import cf from 'cloudfront';
async function handler(event) {
  const kvs = cf.kvs();
  const cfg = await kvs.get('cfg', {format: 'json'});
  const text = await kvs.get('word', {format: 'string'});
  const bytes = await kvs.get('word', {format: 'bytes'});
  return {ratio: cfg.ratio, tag: cfg.tags[1], text: text, length: bytes.length,
          byte1: bytes[1], plain: await kvs.get('word')};
}
)JS");
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output.dump(),
            R"({"ratio":0.25,"tag":"b","text":"hé","length":3,"byte1":195,"plain":"hé"})");
}

TEST(KeyValueLookupBinding, AMissingKeyRejectsGet) {
  KvsTestStores stores;
  FunctionRun run = RunKvsTestFunction(stores, R"JS(import cf from 'cloudfront';
async function handler(event) {
  let caught = '';
  try { await cf.kvs().get('absent'); } catch (e) { caught = e.message; }
  return {caught: caught};
}
)JS");
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_THAT(run.output["caught"].get<std::string>(), HasSubstr("absent"));
  // Uncaught, the rejection fails the run as any exception does.
  run = RunKvsTestFunction(stores, R"JS(import cf from 'cloudfront';
async function handler(event) { return {v: await cf.kvs().get('absent')}; }
)JS");
  EXPECT_EQ(run.error, FunctionRunError::kException);
  EXPECT_THAT(run.error_message, HasSubstr("Key not found: absent"));
}

TEST(KeyValueLookupBinding, MetaDescribesTheStore) {
  KvsTestStores stores;
  stores.values = {{"a", "1"}, {"b", "2"}};
  FunctionRun run = RunKvsTestFunction(stores, R"JS(import cf from 'cloudfront';
async function handler(event) { return await cf.kvs().meta(); }
)JS");
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output.dump(),
            R"({"creationDateTime":"2023-11-14T22:13:20.000Z",)"
            R"("lastUpdatedDateTime":"2023-11-14T22:15:23.456Z","keyCount":2})");
}

TEST(KeyValueLookupBinding, OnlyTheAssociatedStoreIsReadable) {
  KvsTestStores stores;
  stores.values["k"] = "v";
  constexpr char kByIdCode[] = R"JS(import cf from 'cloudfront';
async function handler(event) { return {v: await cf.kvs(event.request.uri.slice(1)).get('k')}; }
)JS";
  // The store named by its Id, as older pages write kvs(kvsId)...
  FunctionRun run = RunCloudFrontFunction(
      {"kvs-by-id", policy::FunctionRuntime::kJs2, kByIdCode, kKvsTestStoreId},
      policy::ViewerRequestEvent({}, policy::Request::Get(std::string("/") + kKvsTestStoreId)),
      [&] {
        FunctionRuntimeLimits limits;
        limits.compute_budget = absl::Milliseconds(500);
        limits.key_values = &stores;
        return limits;
      }());
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output["v"], "v");
  // ...but no other one, and nothing for a function without an association.
  run = RunKvsTestFunction(stores, R"JS(import cf from 'cloudfront';
async function handler(event) { return {v: await cf.kvs('other-store').get('k')}; }
)JS");
  EXPECT_THAT(run.error_message, HasSubstr("not associated"));
  run = RunKvsTestFunction(stores, kKvsTestRewrite, "");
  EXPECT_THAT(run.error_message, HasSubstr("No key value store is associated"));
}

}  // namespace
}  // namespace edgesim::core
