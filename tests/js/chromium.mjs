// Debian's Chromium, headless, for the page tests (CHROMIUM_PATH overrides /usr/bin/chromium),
// and where their screenshots go (EDGESIM_ARTIFACTS_DIR, else tests/js/artifacts/).
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import puppeteer from "puppeteer-core";

export const artifacts = process.env.EDGESIM_ARTIFACTS_DIR ||
  join(dirname(fileURLToPath(import.meta.url)), "artifacts");

// A browser and one page of `width` x `height`, whose console errors and uncaught exceptions are
// pushed to `errors`: {browser, page}.
export async function launchChromium(errors, width, height) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    // As root (CI, containers) Chromium needs --no-sandbox.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { browser, page };
}

// Writes the page's screenshot as artifacts/`name`.
export async function screenshot(page, name, options = {}) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, name), ...options });
}
