// What the feature browser scripts share (run by chat.nexus.testing.BrowserScript): the server's URL,
// Chromium, numbered steps, screenshots, and the usual moves of a person (sign in, join, send).
//   import { run, step, signInAsGuest } from "./kit.mjs";
//   await run(async ({ browser, desktop, phone }) => { await step("...", async () => { ... }); });
// Prints "browser: N passed, 0 failed" and exits 0, or names the failed step, screenshots every open
// page as failed-*.png and exits 1.

import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";

const { chromium } = createRequire(import.meta.url)("playwright-core");

export const BASE_URL = process.env.NEXUS_URL;
export const SHOTS = process.env.NEXUS_SCREENSHOTS ?? "target/screenshots";
export const CHROMIUM = process.env.NEXUS_CHROMIUM ?? "/usr/bin/chromium";
export const STEP_MS = 15_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Browser contexts for a desktop window and a phone. */
export const desktop = { viewport: { width: 1200, height: 760 }, deviceScaleFactor: 1 };
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let passed = 0;

export async function step(name, action) {
  const started = Date.now();
  try {
    await action();
  } catch (e) {
    console.error(`FAILED: ${name}: ${e.stack || e}`);
    throw e;
  }
  passed++;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

export const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name + ".png") });

export async function expectText(locator, text, what) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: STEP_MS }).catch(() => {
    throw new Error(`${what}: no "${text}"`);
  });
}

/** A new page in a context of its own (its own sign-in), page errors printed. */
export async function newPerson(browser, who, options = desktop) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[${who} page error] ${e.message}`));
  return page;
}

export async function signInAsGuest(page, name) {
  await page.goto(BASE_URL);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.locator("#app").waitFor({ timeout: STEP_MS });
}

export async function joinRoom(page, room) {
  // On a phone the Room field is in the ☰ drawer, inert while closed: open it first.
  const menu = page.getByRole("button", { name: "Menu" });
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
  await page.getByLabel("Room").fill(room);
  await page.getByLabel("Room").press("Enter");
  await page.locator("#chat-title", { hasText: room }).waitFor({ timeout: STEP_MS });
  await page.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
}

export async function send(page, text) {
  await page.getByLabel("Message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

/** Starts Chromium, runs the steps, prints the summary and exits. */
export async function run(steps) {
  if (!BASE_URL) {
    console.error("set NEXUS_URL to the server, e.g. http://127.0.0.1:8000");
    process.exit(2);
  }
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
  let exitCode = 0;
  try {
    await steps({ browser });
    console.log(`browser: ${passed} passed, 0 failed`);
  } catch (e) {
    exitCode = 1;
    for (const [c, context] of browser.contexts().entries()) {
      for (const [i, page] of context.pages().entries()) {
        await page.screenshot({ path: path.join(SHOTS, `failed-${c}-${i}.png`) }).catch(() => {});
      }
    }
    console.log(`browser: ${passed} passed, 1 failed`);
  } finally {
    await browser.close();
  }
  process.exit(exitCode);
}
