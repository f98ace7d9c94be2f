// The live console (cli/console.h) in a real headless Chromium (Debian's, driven by
// puppeteer-core; CHROMIUM_PATH overrides /usr/bin/chromium) against `edgesim serve --demo
// --manual-clock`: no console errors, requests show up as rows with their X-Cache, a row opens its
// explanation, the clock buttons move the clock, and an invalidation created from the page
// completes, after which the next request misses. Waits poll the page (generous timeouts only
// guard against hangs). Screenshots go to EDGESIM_ARTIFACTS_DIR, else tests/js/artifacts/.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchChromium, screenshot as writeScreenshot } from "./chromium.mjs";
import { startServe } from "./edgesim_serve.mjs";

const HANG_GUARD = { timeout: 60_000, polling: 100 };

let serve;
let browser;
let page;
const consoleErrors = [];

before(async () => {
  serve = await startServe("--demo");
  ({ browser, page } = await launchChromium(consoleErrors, 1400, 800));
  await page.goto(`${serve.api}/_edgesim/console`, { waitUntil: "load" });
  await page.waitForFunction(() => document.getElementById("stream-state").textContent === "live",
    HANG_GUARD);
});

after(async () => {
  await browser?.close();
  await serve?.stop();
});

async function edgeGet(path) {
  const r = await fetch(serve.edge + path);
  await r.arrayBuffer();
  return r.headers.get("x-cache");
}

// The X-Cache types of the rows for `path`, oldest first, once there are `count` of them.
async function rowsFor(path, count) {
  await page.waitForFunction((p, n) => [...document.querySelectorAll("#requests tbody tr")]
    .filter((r) => r.querySelector(".path").textContent === p).length >= n, HANG_GUARD, path, count);
  return page.$$eval("#requests tbody tr", (rows, p) => rows
    .filter((r) => r.querySelector(".path").textContent === p)
    .map((r) => ({ id: Number(r.dataset.id), xCache: r.dataset.xCache }))
    .sort((a, b) => a.id - b.id), path);
}

async function clockSeconds() {
  return (await (await fetch(`${serve.api}/_edgesim/clock`)).json()).unix_seconds;
}

function screenshot(name) {
  return writeScreenshot(page, name);
}

test("requests appear as rows with the X-Cache the viewer got, and open their explanation", async () => {
  const asset = "/assets/app.3f9a1c.js";
  assert.equal(await edgeGet(asset), "Miss from cloudfront");
  assert.equal(await edgeGet(asset), "Hit from cloudfront");
  const rows = await rowsFor(asset, 2);
  assert.deepEqual(rows.map((r) => r.xCache), ["Miss", "Hit"]);
  assert.equal(await edgeGet("/missing"), "Error from cloudfront");  // a cached 404
  assert.deepEqual((await rowsFor("/missing", 1)).map((r) => r.xCache), ["Error"]);

  await page.click(`#requests tbody tr[data-id="${rows[1].id}"]`);
  await page.waitForFunction(() => !document.getElementById("explain").hidden &&
    document.getElementById("explain-text").textContent.includes("/assets/*"), HANG_GUARD);
  await screenshot("console-requests.png");
});

test("the clock buttons move the manual clock", async () => {
  await page.waitForSelector("#clock-buttons:not([hidden])", HANG_GUARD);
  const before = await clockSeconds();
  await page.click('[data-advance="60"]');
  await page.waitForFunction((t) => Date.parse(document.getElementById("clock-time").textContent) / 1000 >= t,
    HANG_GUARD, before + 60);
  assert.equal(await clockSeconds(), before + 60);
});

test("an invalidation created from the page completes, and the next request misses", async () => {
  const asset = "/assets/app.3f9a1c.js";
  assert.equal(await edgeGet(asset), "Hit from cloudfront");  // cached for a year
  await page.click('nav .tab[data-tab="invalidations"]');
  await page.type("#invalidation-paths", "/assets/*");
  await page.click('#invalidation-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector("#invalidations tbody tr")
    ?.dataset.status === "InProgress", HANG_GUARD);
  // Its cost: one wildcard path, within the month's free 1,000.
  await page.waitForFunction(() => /paths invalidated: 1 \(free 1, billed 0\), cost \$0\.000/
    .test(document.getElementById("invalidation-bill").textContent), HANG_GUARD);
  await screenshot("console-invalidation-in-progress.png");
  // The manual clock passes the invalidation's 15 s (--invalidation-delay).
  await page.click('[data-advance="60"]');
  await page.waitForFunction(() => document.querySelector("#invalidations tbody tr")
    ?.dataset.status === "Completed", HANG_GUARD);
  assert.match(await page.$eval("#invalidations tbody tr .path", (td) => td.textContent), /\/assets\/\*/);

  assert.equal(await edgeGet(asset), "Miss from cloudfront");
  const rows = await rowsFor(asset, 4);
  assert.equal(rows.at(-1).xCache, "Miss");
  await page.click('nav .tab[data-tab="requests"]');
  await screenshot("console-after-invalidation.png");
});

test("the cache browser lists what a POP holds", async () => {
  await page.click('nav .tab[data-tab="cache"]');
  await page.waitForFunction(() => [...document.querySelectorAll("#cache tbody .key")]
    .some((td) => td.textContent.includes("/assets/app.3f9a1c.js")), HANG_GUARD);
  await screenshot("console-cache.png");
});

test("the distributions tab lists the behaviors, the charts draw from the stats", async () => {
  await page.click('nav .tab[data-tab="distributions"]');
  await page.waitForFunction(() => [...document.querySelectorAll("#distributions td")]
    .some((td) => td.textContent === "/assets/*"), HANG_GUARD);
  await screenshot("console-distributions.png");
  await page.click('nav .tab[data-tab="charts"]');
  for (let i = 0; i < 3; ++i) await edgeGet("/assets/app.3f9a1c.js");
  await page.waitForFunction(() => document.querySelector("#chart-hits circle.point") &&
    document.querySelector("#chart-origin circle.point"), HANG_GUARD);
  await screenshot("console-charts.png");
  await page.click('nav .tab[data-tab="requests"]');
});

test("a page of another origin cannot move the clock, while the console's own buttons can", async () => {
  // The edge's port is another origin: a page there posts as a foreign site would (no-cors, a
  // body type that needs no preflight). The cross-site guard refuses it before the route runs.
  const other = await browser.newPage();
  await other.goto(`${serve.edge}/index.html`);
  const before = await clockSeconds();
  await other.evaluate((api) => fetch(`${api}/_edgesim/clock/advance`, {
    method: "POST", mode: "no-cors", body: '{"seconds": 3600}',
  }).catch(() => null), serve.api);
  await other.close();
  assert.equal(await clockSeconds(), before);
  await page.click('[data-advance="1"]');
  await page.waitForFunction((t) => Date.parse(document.getElementById("clock-time").textContent) / 1000 >= t,
    HANG_GUARD, before + 1);
});

test("the page logged no errors", () => {
  assert.deepEqual(consoleErrors, []);
});
