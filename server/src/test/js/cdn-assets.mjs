// The web client with its assets on another origin, as behind a CDN (STATIC_BASE_URL), run by
// chat.nexus.web.StaticBaseUrlBrowserTest: the page comes from NEXUS_URL, every asset from NEXUS_ASSETS
// (another chat server of the same build, standing in for the CDN's origin). A guest signs in and goes
// online, so every module ran and the bundled socket.io-client works; no asset came from the page's own
// origin, none under a plain name, and the console has no error (CORS or Content-Security-Policy).
// Prints "browser: N passed, 0 failed" and exits 0, or the failure and exits 1.

import { createRequire } from "node:module";

const { chromium } = createRequire(import.meta.url)("playwright-core");

const PAGE_URL = process.env.NEXUS_URL;
const ASSETS = new URL(process.env.NEXUS_ASSETS).origin;
const CHROMIUM = process.env.NEXUS_CHROMIUM ?? "/usr/bin/chromium";
const STEP_MS = 15_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
try {
  const page = await (await browser.newContext()).newPage();
  const assets = [];
  const errors = [];
  page.on("request", (r) => new URL(r.url()).pathname.startsWith("/assets/") && assets.push(r.url()));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));

  await page.goto(PAGE_URL, { waitUntil: "load" });
  await page.getByLabel("Name").fill("Cdn");
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });

  const elsewhere = assets.filter((u) => new URL(u).origin !== ASSETS);
  const plain = assets.filter((u) => !/\.[0-9a-f]{10}\.[a-z]+$/.test(new URL(u).pathname));
  if (assets.length < 13 || elsewhere.length > 0 || plain.length > 0 || errors.length > 0) {
    throw new Error(`assets: ${assets.join(" ")}; console errors: ${errors.join("; ")}`);
  }
  console.log(`ok 1 - ${assets.length} assets from ${ASSETS}, signed in and online`);
  console.log("browser: 1 passed, 0 failed");
} catch (e) {
  console.error(`FAILED: ${e.stack || e}`);
  console.log("browser: 0 passed, 1 failed");
  process.exitCode = 1;
} finally {
  await browser.close();
}
