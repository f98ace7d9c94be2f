// Shared by the JavaScript SDK tests (tests/js/*_test.mjs, `node --test`): a private
// `edgesim serve --manual-clock` and moto_server (S3) on ports from the OS, SDK clients on them
// isolated from the user's ~/.aws (any credentials and region work against edgesim), and
// expectError for the errors as the SDK surfaces them.
//
//   const serve = await startServe("--invalidation-delay", "5");
//   const cf = cloudFront(serve);
//   ...
//   await serve.stop();
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { S3Client } from "@aws-sdk/client-s3";

// The SDK reads ~/.aws/config for settings such as max_attempts or a profile's endpoint: point it
// at empty files, as tests/api/edgesim_serve.py does for boto3.
function isolateFromUserConfig() {
  const dir = mkdtempSync(join(tmpdir(), "edgesim-js-"));
  for (const name of ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) {
    const path = join(dir, name);
    writeFileSync(path, "");
    process.env[name] = path;
  }
  for (const name of ["AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDFRONT",
    "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"]) {
    delete process.env[name];
  }
}
isolateFromUserConfig();

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

// Ends `child` and waits for it to exit.
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

// `edgesim serve --manual-clock ARGS...` (EDGESIM_BINARY) on ports from the OS. Resolves once its
// banner named both URLs: {edge, api, advance(seconds), stop()}.
export function startServe(...args) {
  const binary = process.env.EDGESIM_BINARY;
  if (!binary) throw new Error("EDGESIM_BINARY is not set");
  const child = spawn(binary, ["serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0",
    "--threads", "2", "--manual-clock", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const urls = {};
    const lines = createInterface({ input: child.stdout });
    child.once("exit", (code) => reject(new Error(`edgesim serve exited (${code}) before listening`)));
    lines.on("line", (line) => {
      const match = /^(\w+) listening on (\S+)$/.exec(line.trim());
      if (match) urls[match[1]] = match[2];
      if (urls.edge && urls.api) {
        lines.removeAllListeners("line");
        child.stdout.resume();  // keep draining, so the server never blocks on a full pipe
        resolve({
          edge: urls.edge,
          api: urls.api,
          advance: (seconds) => adminPost(urls.api, "/_edgesim/clock/advance", { seconds }),
          stop: () => stopChild(child),
        });
      }
    });
  });
}

async function adminPost(api, path, body) {
  const response = await fetch(api + path, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// moto_server as S3 on a free port, as tests/api/lib.sh's start_moto: {url, stop()}.
export async function startMoto() {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; ++attempt) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode})`);
    try {
      await fetch(url + "/");
      return { url, stop: () => stopChild(child) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stopChild(child);
  throw new Error("moto_server does not answer");
}

// A CloudFront client on `serve`'s API, without retries.
export function cloudFront(serve) {
  return new CloudFrontClient({ endpoint: serve.api, region: "us-east-1", credentials, maxAttempts: 1 });
}

// An S3 client on moto, path style (moto's host is no bucket's virtual host), without retries.
export function s3(moto) {
  return new S3Client({
    endpoint: moto.url, region: "us-east-1", credentials, forcePathStyle: true, maxAttempts: 1,
  });
}

// Awaits `promise`, which must fail with the error code `name` and HTTP status `status`.
export async function expectError(promise, name, status) {
  const error = await promise.then(
    (result) => assert.fail(`expected ${name}, got ${JSON.stringify(result)}`), (e) => e);
  assert.equal(error.name, name, `${error}`);
  assert.equal(error.$metadata?.httpStatusCode, status, `${name}'s status`);
  return error;
}
