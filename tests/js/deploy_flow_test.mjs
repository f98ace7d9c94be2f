// The deploy a modern single-page app does, through the AWS SDK for JavaScript v3, unmodified,
// against a live `edgesim serve` (CloudFront) and moto_server (S3): a private bucket behind an
// origin access control, a response headers policy, a distribution, an invalidation waited for with
// the SDK's waiter, and the teardown an infrastructure tool does (disable, wait, delete).
// Run: EDGESIM_BINARY=build/edgesim node --test tests/js/
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  CreateDistributionCommand,
  CreateInvalidationCommand,
  CreateOriginAccessControlCommand,
  CreateResponseHeadersPolicyCommand,
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  DeleteResponseHeadersPolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  GetOriginAccessControlCommand,
  GetResponseHeadersPolicyCommand,
  UpdateDistributionCommand,
  waitUntilDistributionDeployed,
  waitUntilInvalidationCompleted,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";

import { cloudFront, expectError, s3, startMoto, startServe } from "./edgesim_serve.mjs";

// Managed-CachingOptimized (SPEC 2.6): the cache key is the path alone, TTLs 1 s..1 year.
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const INVALIDATION_DELAY = 5;
// The waiters poll at once, then every second here (the SDK's defaults are 20 s and 60 s).
const FAST_WAITER = { minDelay: 1, maxDelay: 1, maxWaitTime: 60 };

let moto;
let serve;
let cf;
let bucket;

before(async () => {
  moto = await startMoto();
  // The origin `site` is the S3 bucket `site`: --origin sends its requests to moto, path style.
  // The edge signs them (SigV4) with moto's test key, as CloudFront signs for an OAC.
  serve = await startServe("--invalidation-delay", String(INVALIDATION_DELAY),
    "--origin", `site=${moto.url}`, "--origin-access-key-id", "test",
    "--origin-secret-access-key", "test");
  cf = cloudFront(serve);
  bucket = s3(moto);
});

after(async () => {
  cf?.destroy();
  bucket?.destroy();
  await serve?.stop();
  await moto?.stop();
});

function putObject(key, body, contentType) {
  return bucket.send(new PutObjectCommand({
    Bucket: "site", Key: key, Body: body, ContentType: contentType, CacheControl: "max-age=300",
  }));
}

// GET through the edge; only one distribution runs, so any Host reaches it.
async function edgeGet(path) {
  const response = await fetch(serve.edge + path);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function siteDistributionConfig(oacId, rhpId) {
  return {
    CallerReference: `deploy-flow-${Date.now()}`,
    Comment: "SPA behind an origin access control",
    Enabled: true,
    DefaultRootObject: "index.html",
    Origins: {
      Quantity: 1,
      Items: [{
        Id: "site",
        DomainName: "site.s3.us-east-1.amazonaws.com",
        OriginAccessControlId: oacId,
        S3OriginConfig: { OriginAccessIdentity: "" },
      }],
    },
    DefaultCacheBehavior: {
      TargetOriginId: "site",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_OPTIMIZED,
      ResponseHeadersPolicyId: rhpId,
      Compress: true,
    },
  };
}

// Depends on the origin access control and response headers policy operations.
test("an SPA deploys behind an OAC and a response headers policy, is invalidated and torn down",
  async () => {
    await bucket.send(new CreateBucketCommand({ Bucket: "site" }));  // private: no ACL granted
    await putObject("index.html", "<h1>v1</h1>", "text/html");
    await putObject("app.js", "console.log('v1')", "text/javascript");
    assert.equal((await fetch(`${moto.url}/site/index.html`)).status, 403,
      "the bucket is private: only a signed request reads it");

    const oac = await cf.send(new CreateOriginAccessControlCommand({
      OriginAccessControlConfig: {
        Name: "site-oac", Description: "the SPA bucket", SigningProtocol: "sigv4",
        SigningBehavior: "always", OriginAccessControlOriginType: "s3",
      },
    }));
    assert.equal(oac.$metadata.httpStatusCode, 201);
    const oacId = oac.OriginAccessControl.Id;
    assert.ok(oacId && oac.ETag, "CreateOriginAccessControl names an Id and an ETag");
    assert.match(oac.Location, new RegExp(`/2020-05-31/origin-access-control/${oacId}$`));

    const rhp = await cf.send(new CreateResponseHeadersPolicyCommand({
      ResponseHeadersPolicyConfig: {
        Name: "site-security-headers",
        Comment: "security headers and a custom one",
        SecurityHeadersConfig: {
          ContentTypeOptions: { Override: true },
          FrameOptions: { Override: true, FrameOption: "DENY" },
          ReferrerPolicy: { Override: true, ReferrerPolicy: "strict-origin-when-cross-origin" },
          StrictTransportSecurity: {
            Override: true, AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true,
          },
        },
        CustomHeadersConfig: {
          Quantity: 1, Items: [{ Header: "X-Deployed-By", Value: "edgesim-js", Override: true }],
        },
      },
    }));
    assert.equal(rhp.$metadata.httpStatusCode, 201);
    const rhpId = rhp.ResponseHeadersPolicy.Id;
    assert.equal(rhp.ResponseHeadersPolicy.ResponseHeadersPolicyConfig.Name, "site-security-headers");

    const created = await cf.send(new CreateDistributionCommand({
      DistributionConfig: siteDistributionConfig(oacId, rhpId),
    }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    const id = created.Distribution.Id;
    const origin = created.Distribution.DistributionConfig.Origins.Items[0];
    assert.equal(origin.OriginAccessControlId, oacId);
    assert.equal(created.Distribution.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId,
      rhpId);
    await waitUntilDistributionDeployed({ client: cf, ...FAST_WAITER }, { Id: id });

    // The edge fetches the private objects (signed with the OAC) and adds the policy's headers.
    const first = await edgeGet("/index.html");
    assert.equal(first.status, 200);
    assert.equal(first.body, "<h1>v1</h1>");
    assert.equal(first.headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(first.headers.get("x-content-type-options"), "nosniff");
    assert.equal(first.headers.get("x-frame-options"), "DENY");
    assert.equal(first.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
    assert.equal(first.headers.get("strict-transport-security"),
      "max-age=63072000; includeSubDomains; preload");
    assert.equal(first.headers.get("x-deployed-by"), "edgesim-js");
    const script = await edgeGet("/app.js");
    assert.equal(script.body, "console.log('v1')");
    const cached = await edgeGet("/index.html");
    assert.equal(cached.headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(cached.headers.get("x-deployed-by"), "edgesim-js", "cached responses get them too");

    // Deploy v2: S3 has it, the edge keeps v1 until the invalidation is applied.
    await putObject("index.html", "<h1>v2</h1>", "text/html");
    assert.equal((await edgeGet("/index.html")).body, "<h1>v1</h1>");
    const invalidation = await cf.send(new CreateInvalidationCommand({
      DistributionId: id,
      InvalidationBatch: {
        CallerReference: `deploy-${Date.now()}`, Paths: { Quantity: 1, Items: ["/index.html"] },
      },
    }));
    assert.equal(invalidation.$metadata.httpStatusCode, 201);
    const invalidationId = invalidation.Invalidation.Id;
    assert.equal(invalidation.Invalidation.Status, "InProgress");
    // The manual clock holds it InProgress; the waiter polls while the clock passes the window.
    const polling = new AbortController();
    const waiting = waitUntilInvalidationCompleted(
      { client: cf, ...FAST_WAITER, abortSignal: polling.signal },
      { DistributionId: id, Id: invalidationId });
    await serve.advance(INVALIDATION_DELAY).catch((error) => {
      polling.abort();
      throw error;
    });
    assert.equal((await waiting).state, "SUCCESS");
    const done = await cf.send(new GetInvalidationCommand({ DistributionId: id, Id: invalidationId }));
    assert.equal(done.Invalidation.Status, "Completed");
    const fresh = await edgeGet("/index.html");
    assert.equal(fresh.body, "<h1>v2</h1>");
    assert.equal(fresh.headers.get("x-cache"), "Miss from cloudfront");
    assert.equal((await edgeGet("/app.js")).headers.get("x-cache"), "Hit from cloudfront",
      "paths not invalidated stay cached");

    // A policy or an OAC in use cannot be deleted (409).
    const rhpEtag = (await cf.send(new GetResponseHeadersPolicyCommand({ Id: rhpId }))).ETag;
    await expectError(
      cf.send(new DeleteResponseHeadersPolicyCommand({ Id: rhpId, IfMatch: rhpEtag })),
      "ResponseHeadersPolicyInUse", 409);
    const oacEtag = (await cf.send(new GetOriginAccessControlCommand({ Id: oacId }))).ETag;
    await expectError(
      cf.send(new DeleteOriginAccessControlCommand({ Id: oacId, IfMatch: oacEtag })),
      "OriginAccessControlInUse", 409);

    // Teardown: disable with the config's ETag, wait for Deployed, delete with the new ETag.
    const current = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    current.DistributionConfig.Enabled = false;
    const disabled = await cf.send(new UpdateDistributionCommand({
      Id: id, IfMatch: current.ETag, DistributionConfig: current.DistributionConfig,
    }));
    assert.equal(disabled.Distribution.DistributionConfig.Enabled, false);
    assert.notEqual(disabled.ETag, current.ETag);
    await waitUntilDistributionDeployed({ client: cf, ...FAST_WAITER }, { Id: id });
    const deletion = await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag }));
    assert.equal(deletion.$metadata.httpStatusCode, 204);
    await expectError(cf.send(new GetDistributionCommand({ Id: id })), "NoSuchDistribution", 404);

    const deletedRhp = await cf.send(new DeleteResponseHeadersPolicyCommand({
      Id: rhpId, IfMatch: rhpEtag,
    }));
    assert.equal(deletedRhp.$metadata.httpStatusCode, 204);
    await expectError(cf.send(new GetResponseHeadersPolicyCommand({ Id: rhpId })),
      "NoSuchResponseHeadersPolicy", 404);
    const deletedOac = await cf.send(new DeleteOriginAccessControlCommand({
      Id: oacId, IfMatch: oacEtag,
    }));
    assert.equal(deletedOac.$metadata.httpStatusCode, 204);
    await expectError(cf.send(new GetOriginAccessControlCommand({ Id: oacId })),
      "NoSuchOriginAccessControl", 404);
  });
