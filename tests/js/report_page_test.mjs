// The simulator's HTML report (sim/report_html.h) in a real headless Chromium (Debian's, driven by
// puppeteer-core; CHROMIUM_PATH overrides /usr/bin/chromium): `edgesim simulate` writes it for
// scenarios/deploy-pattern.json, whose variants coincide in some charts, and the page, opened
// from disk, must render with no errors and nothing fetched; every chart has readable axes; every
// variant's line is drawn in every chart with a style of its own; and a legend click hides one
// variant everywhere and shows it again. A screenshot goes to EDGESIM_ARTIFACTS_DIR, else
// tests/js/artifacts/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { launchChromium, screenshot } from "./chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const scenario = join(here, "..", "..", "scenarios", "deploy-pattern.json");

let out;
let browser;
let page;
const pageErrors = [];
const requested = [];

before(async () => {
  const binary = process.env.EDGESIM_BINARY;
  if (!binary) throw new Error("EDGESIM_BINARY is not set");
  out = mkdtempSync(join(tmpdir(), "edgesim-report-"));
  execFileSync(binary, ["simulate", scenario, "--out", out, "--quiet"], { stdio: "ignore" });
  ({ browser, page } = await launchChromium(pageErrors, 1400, 900));
  page.on("request", (r) => requested.push(r.url()));
  await page.goto(pathToFileURL(join(out, "report.html")).href, { waitUntil: "load" });
});

after(async () => {
  await browser?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

test("the report opens from disk with no errors and fetches nothing else", () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(requested.filter((url) => !url.endsWith("/report.html")), []);
});

test("every chart has titled axes with several readable ticks", async () => {
  const charts = await page.$$eval("figure.chart", (figures) => figures.map((f) => ({
    id: f.id,
    y: [...f.querySelectorAll("text.tick.y")].map((t) => t.textContent),
    x: [...f.querySelectorAll("text.tick.x")].map((t) => t.textContent),
    titles: f.querySelectorAll("text.axis-title").length,
  })));
  assert.ok(charts.length >= 4, `charts: ${charts.map((c) => c.id)}`);
  for (const c of charts) {
    assert.ok(c.y.length >= 3, `${c.id}: y ticks ${c.y}`);
    assert.ok(c.x.length >= 3, `${c.id}: x ticks ${c.x}`);
    assert.equal(c.titles, 2, `${c.id}: axis titles`);
    for (const tick of [...c.y, ...c.x]) {
      assert.doesNotMatch(tick, /e[+-]\d/i, `${c.id}: tick ${tick}`);
      assert.match(tick, /^-?[\d.,]+\s?[A-Za-z% ]*$/, `${c.id}: tick ${tick}`);
    }
  }
});

test("every variant is drawn in every chart, each in a style of its own", async () => {
  const variants = await page.$$eval("table.variants tbody tr", (rows) =>
    rows.map((r) => r.dataset.variant));
  assert.ok(variants.length >= 4, `variants: ${variants}`);
  const charts = await page.$$eval("figure.chart", (figures) => figures.map((f) => [...f
    .querySelectorAll("g[data-variant]")].map((g) => {
    const box = g.getBoundingClientRect();
    return {
      name: g.dataset.variant,
      style: `${g.dataset.dash}/${g.dataset.marker}`,
      visible: getComputedStyle(g).display !== "none" && box.width > 0,
      markers: g.querySelectorAll(".marker").length,
    };
  })));
  for (const lines of charts) {
    assert.deepEqual(lines.map((l) => l.name), variants);
    assert.equal(new Set(lines.map((l) => l.style)).size, variants.length, "distinct styles");
    for (const l of lines) {
      assert.ok(l.visible, `${l.name} is drawn`);
      assert.ok(l.markers > 0, `${l.name} has markers`);
    }
  }
  await screenshot(page, "report.png", { fullPage: true });
});

test("a legend click hides a variant everywhere and a second shows it again", async () => {
  const name = await page.$eval("table.variants tbody tr", (r) => r.dataset.variant);
  const shown = () => page.$$eval(`[data-variant="${name}"]`, (nodes) =>
    nodes.map((n) => getComputedStyle(n).display !== "none"));
  assert.ok((await shown()).every(Boolean));
  await page.click(".legend label[for='show-0']");
  assert.ok((await shown()).every((v) => !v), "hidden in charts, table and breakdowns");
  await page.click(".legend label[for='show-0']");
  assert.ok((await shown()).every(Boolean));
});
