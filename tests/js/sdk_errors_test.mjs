// Errors as the AWS SDK for JavaScript v3 surfaces them from `edgesim serve`: the error code as the
// exception's name and class, the HTTP status and request id in $metadata. Only operations edgesim
// has had since its first API (distributions, cache policies).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  CachePolicyInUse,
  CreateCachePolicyCommand,
  CreateDistributionCommand,
  DeleteCachePolicyCommand,
  DeleteDistributionCommand,
  DistributionNotDisabled,
  GetDistributionCommand,
  NoSuchDistribution,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";

import { cloudFront, expectError, startServe } from "./edgesim_serve.mjs";

let serve;
let cf;

before(async () => {
  serve = await startServe();
  cf = cloudFront(serve);
});

after(async () => {
  cf?.destroy();
  await serve?.stop();
});

test("errors reach the SDK as CloudFront's codes, statuses and exception classes", async () => {
  const missing = await cf.send(new GetDistributionCommand({ Id: "ENOSUCHDIST1" })).catch((e) => e);
  assert.ok(missing instanceof NoSuchDistribution, `${missing}`);
  assert.equal(missing.name, "NoSuchDistribution");
  assert.equal(missing.$fault, "client");
  assert.equal(missing.$metadata.httpStatusCode, 404);
  assert.ok(missing.$metadata.requestId, "x-amz-request-id reaches $metadata");
  assert.match(missing.message, /distribution/i);

  const policy = await cf.send(new CreateCachePolicyCommand({
    CachePolicyConfig: {
      Name: "errors-html", MinTTL: 0, DefaultTTL: 60, MaxTTL: 300,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: true,
        HeadersConfig: { HeaderBehavior: "none" },
        CookiesConfig: { CookieBehavior: "none" },
        QueryStringsConfig: { QueryStringBehavior: "none" },
      },
    },
  }));
  const config = {
    CallerReference: `errors-${Date.now()}`, Comment: "", Enabled: true,
    Origins: { Quantity: 1, Items: [{
      Id: "app", DomainName: "app.example.com",
      CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
    }] },
    DefaultCacheBehavior: {
      TargetOriginId: "app", ViewerProtocolPolicy: "redirect-to-https",
      CachePolicyId: policy.CachePolicy.Id,
    },
  };
  const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
  const id = created.Distribution.Id;

  await expectError(
    cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: "ESTALE", DistributionConfig: config })),
    "PreconditionFailed", 412);
  await expectError(cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: config })),
    "InvalidIfMatchVersion", 400);
  const enabled = await expectError(
    cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })),
    "DistributionNotDisabled", 409);
  assert.ok(enabled instanceof DistributionNotDisabled);
  const inUse = await expectError(
    cf.send(new DeleteCachePolicyCommand({ Id: policy.CachePolicy.Id, IfMatch: policy.ETag })),
    "CachePolicyInUse", 409);
  assert.ok(inUse instanceof CachePolicyInUse);
  await expectError(cf.send(new CreateDistributionCommand({ DistributionConfig: config })),
    "DistributionAlreadyExists", 409);
});
