// The web client's finish, checked by web-client.mjs: markdown in messages (and no raw HTML), timestamps
// with dates, the composer's length limit, the empty room name, "Jump to latest", a direct conversation's
// presence, the phone drawer (focus, Escape, inert page, tap target, unread dot), the guest log-out
// question, and an accessibility audit (axe-core) in the light and dark themes.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { STEP_MS, expectText, shot } from "./kit.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const log = (page) => page.getByRole("list", { name: "Conversation" });

/**
 * axe-core on the page as it is, in the light and the dark theme: prints every violation, fails on serious
 * and critical ones. The script is evaluated through the debugging protocol: the page's CSP (rightly)
 * refuses inline scripts.
 */
export async function audit(page, where, { screenshot } = {}) {
  const failures = [];
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").replace(/\s+/g, " ")}`) }));
    });
    for (const v of violations) {
      console.log(`axe ${where} (${colorScheme}): ${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join("\n    ")}`);
      if (v.impact === "serious" || v.impact === "critical") failures.push(`${colorScheme} ${v.id}`);
    }
    if (screenshot && colorScheme === "dark") await shot(page, screenshot);
  }
  await page.emulateMedia({ colorScheme: "light" });
  if (failures.length) throw new Error(`accessibility (${where}): ${failures.join(", ")}`);
}

/**
 * What axe does not measure, from the theme's tokens: the focus ring and the controls' borders at least
 * 3:1 against the surfaces next to them (WCAG 1.4.11), in both themes.
 */
export async function checkNonTextContrast(page) {
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    const low = await page.evaluate(() => {
      const style = getComputedStyle(document.documentElement);
      const rgb = (name) => {
        const probe = document.createElement("i");
        probe.style.color = style.getPropertyValue(name).trim();
        document.body.append(probe);
        const parts = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
        probe.remove();
        return parts;
      };
      const luminance = (c) => {
        const [r, g, b] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const ratio = (a, b) => {
        const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((m, n) => n - m);
        return (x + 0.05) / (y + 0.05);
      };
      const pairs = [["--focus", "--panel"], ["--focus", "--bg"], ["--focus", "--field"], ["--field-line", "--field"],
        ["--field-line", "--panel"], ["--field-line", "--bg"]];
      return pairs.map(([a, b]) => [a, b, ratio(a, b)]).filter(([, , r]) => r < 3).map(([a, b, r]) => `${a} on ${b}: ${r.toFixed(2)}`);
    });
    if (low.length) throw new Error(`${colorScheme}: ${low.join(", ")}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

export const MARKDOWN = [
  "**bold** and *italic* and `inline code`",
  "- first item",
  "- second item",
  "> a quote",
  "```",
  "const x = 1 < 2;",
  "```",
  "see https://example.org/docs and [the guide](https://example.com/guide)",
  "<img src=x onerror=\"window.pwned=1\"> [bad](javascript:window.pwned=2) [data](data:text/html,hi)",
].join("\n");

/** Bob's view of Ann's markdown message. */
export async function checkMarkdown(bob) {
  const bubble = log(bob).locator(".bubble", { hasText: "a quote" }).last();
  await bubble.waitFor({ timeout: STEP_MS });
  const seen = await bubble.evaluate((node) => ({
    strong: node.querySelector("strong")?.textContent,
    em: node.querySelector("em")?.textContent,
    code: node.querySelector("p code")?.textContent,
    items: [...node.querySelectorAll("ul > li")].map((li) => li.textContent),
    quote: node.querySelector("blockquote")?.textContent.trim(),
    pre: node.querySelector("pre code")?.textContent,
    links: [...node.querySelectorAll("a")].map((a) => ({ href: a.getAttribute("href"), target: a.target, rel: a.rel, text: a.textContent })),
    images: node.querySelectorAll("img").length,
    text: node.textContent,
    pwned: window.pwned,
  }));
  const expect = (ok, what) => { if (!ok) throw new Error(`${what}: ${JSON.stringify(seen)}`); };
  expect(seen.strong === "bold" && seen.em === "italic" && seen.code === "inline code", "bold, italics, inline code");
  expect(seen.items.join("|") === "first item|second item", "the list");
  expect(seen.quote === "a quote" && seen.pre === "const x = 1 < 2;\n", "the quote and the code block");
  expect(seen.links.length === 2, "two links (a bare URL and a named one), no others");
  for (const link of seen.links) {
    expect(/^https:\/\/example\.(org|com)\//.test(link.href) && link.target === "_blank" && link.rel === "noopener noreferrer", "links open in a new tab");
  }
  expect(seen.images === 0 && seen.text.includes('<img src=x onerror="window.pwned=1">'), "raw HTML shown as text");
  expect(seen.text.includes("[bad](javascript:window.pwned=2)") && seen.text.includes("[data](data:text/html,hi)"), "javascript: and data: stay text");
  expect(seen.pwned === undefined, "no script ran");
}

/** markdown.js itself, in the page, on inputs meant to get a script or a dangerous link through. */
export async function checkMarkdownCases(page) {
  const { problems, ms } = await page.evaluate(async () => {
    const { renderMarkdown, renderPartialMarkdown } = await import("/assets/markdown.js");
    const allowed = new Set(["P", "BR", "STRONG", "EM", "S", "CODE", "PRE", "UL", "OL", "LI", "BLOCKQUOTE", "A", "SPAN"]);
    const cases = [
      "<script>window.pwned=1</script>", "<img src=x onerror=window.pwned=1>", "<a href=\"javascript:window.pwned=1\">a</a>",
      "[x](javascript:window.pwned=1)", "[x](JaVaScRiPt:window.pwned=1)", "[x](  javascript:window.pwned=1)",
      "[x](&#106;avascript:window.pwned=1)", "[x](java\\nscript:window.pwned=1)", "[x](vbscript:msgbox)", "[x](data:text/html;base64,PHNjcmlwdD4=)",
      "[x](data:image/png;base64,iVBORw0KGgo=)", "![i](https://example.org/i.png)", "<javascript:window.pwned=1>", "[x](/api/users)",
      "[x](https://ok.example/\" onmouseover=\"window.pwned=1)", "<https://ok.example/a>", "<svg onload=window.pwned=1>",
      "`<b>code</b>`", "```html\n<script>x</script>\n```", ">".repeat(500) + " deep", "*".repeat(3000) + "a", "x".repeat(20_000),
    ];
    const problems = [];
    for (const text of cases) {
      for (const render of [renderMarkdown, renderPartialMarkdown]) {
        const box = document.createElement("div");
        box.append(render(text));
        for (const node of box.querySelectorAll("*")) {
          if (!allowed.has(node.tagName)) problems.push(`${text.slice(0, 40)}: <${node.tagName}>`);
          for (const attr of node.attributes) {
            if (!["href", "target", "rel", "start", "class"].includes(attr.name)) problems.push(`${text.slice(0, 40)}: ${attr.name}`);
          }
          if (node.tagName === "A" && node.hasAttribute("href")
              && (!/^(https?:|mailto:)/i.test(node.getAttribute("href")) || node.rel !== "noopener noreferrer" || node.target !== "_blank")) {
            problems.push(`${text.slice(0, 40)}: link ${node.getAttribute("href")}`);
          }
        }
      }
    }
    // A streamed reply is parsed again on each frame: printed to watch, failed only when pathological.
    const started = performance.now();
    for (let i = 0; i < 10; i++) renderPartialMarkdown("**word** ".repeat(400) + i); // 4,000 characters, 400 tags
    const ms = (performance.now() - started) / 10;
    if (ms > 1_000) problems.push(`a parse of 4,000 characters took ${Math.round(ms)} ms`);
    if (window.pwned !== undefined) problems.push("a script ran");
    return { problems, ms };
  });
  console.log(`markdown.js: a 4,000-character reply with 400 tags parsed in ${Math.round(ms)} ms`);
  if (problems.length) throw new Error("markdown.js: " + problems.join("; "));
}

/** The time under a message, and the labels for yesterday and earlier. */
export async function checkDates(page) {
  const time = log(page).locator("time.time").last();
  await time.waitFor({ timeout: STEP_MS });
  const shown = await time.evaluate((node) => ({ text: node.textContent, datetime: node.dateTime, title: node.title }));
  if (!/^\d{2}:\d{2}/.test(shown.text) || Number.isNaN(Date.parse(shown.datetime)) || !/\d{4}/.test(shown.title)) {
    throw new Error("today's time: " + JSON.stringify(shown));
  }
  const labels = await page.evaluate(async () => {
    const { whenLabel } = await import("/assets/dates.js");
    const now = new Date(2026, 5, 15, 10, 30);
    return [new Date(2026, 5, 15, 8, 5), new Date(2026, 5, 14, 14, 2), new Date(2026, 2, 3, 9, 0), new Date(2025, 11, 24, 23, 59)]
      .map((d) => whenLabel(d, now));
  });
  const [today, yesterday, thisYear, lastYear] = labels;
  // the clock follows the browser's locale: 14:02 or 02:02 PM
  if (!/^0?8:05( AM)?$/.test(today) || !/^Yesterday (14:02|0?2:02 PM)$/.test(yesterday) || !/Mar/.test(thisYear) || /2026/.test(thisYear)
      || !/Dec/.test(lastYear) || !/2025/.test(lastYear)) {
    throw new Error("labels: " + JSON.stringify(labels));
  }
}

/** The counter near 4,000 characters (code points), and a blocked send over it: nothing cut. */
export async function checkCounter(page) {
  const box = page.getByLabel("Message");
  const count = page.locator("#composer-count");
  await box.fill("a".repeat(3_000));
  if (await count.isVisible()) throw new Error("the counter shows far from the limit");
  await box.fill("😀".repeat(3_999)); // 7,998 UTF-16 units, 3,999 characters: allowed
  await expectText(count, "3,999 / 4,000", "the counter near the limit");
  if ((await page.locator("#composer-state").textContent()).includes("Too long")) throw new Error("emoji counted twice");
  await box.fill("b".repeat(4_200));
  if ((await box.inputValue()).length !== 4_200) throw new Error("the paste was cut");
  await expectText(count, "4,200 / 4,000", "the counter over the limit");
  await expectText(page.locator("#composer-state"), "200 characters over the limit of 4,000", "the warning");
  if ((await box.getAttribute("aria-invalid")) !== "true") throw new Error("the box is not marked invalid");
  const before = await log(page).locator(".msg").count();
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForTimeout(300);
  if ((await log(page).locator(".msg").count()) !== before || (await box.inputValue()).length !== 4_200) {
    throw new Error("a message over the limit was sent, or the text was lost");
  }
  await shot(page, "13-too-long");
  await box.fill("");
  await count.waitFor({ state: "hidden" });
}

export async function checkEmptyRoom(page) {
  await page.getByLabel("Room").fill("  ");
  await page.getByRole("button", { name: "Join" }).click();
  await expectText(page.locator("#join-error"), "Type a room name.", "the empty room message");
  await page.getByLabel("Room").fill("no spaces allowed");
  await page.getByRole("button", { name: "Join" }).click();
  await expectText(page.locator("#join-error"), "Use 1-64 letters", "the bad room name message");
  await page.getByLabel("Room").fill("");
}

/** Scrolled up, new messages from others show on a button with their count; it jumps down to them. */
export async function checkJump(reader, writer, room) {
  await log(reader).evaluate((node) => { node.scrollTop = 0; });
  await reader.waitForTimeout(300); // history paging settles
  await writer.evaluate(async (roomId) => {
    for (const text of ["jump one", "jump two"]) await window.nexusClient.socket.emitWithAck("message:send", { roomId, text });
  }, room);
  const jump = reader.getByRole("button", { name: /new messages/ });
  await expectText(jump, "2 new messages", "the jump button");
  await shot(reader, "14-jump-to-latest");
  await jump.click();
  await jump.waitFor({ state: "hidden", timeout: STEP_MS });
  const gap = await log(reader).evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight);
  if (gap > 80) throw new Error(`not at the latest message: ${gap} px above it`);
  if (!(await reader.evaluate(() => document.activeElement?.id === "message"))) throw new Error("focus did not go to the message box");
}

/** The phone drawer: focus moves in, Tab stays in, Escape closes it and returns to ☰; a 44 px target. */
export async function checkDrawer(page) {
  const menu = page.getByRole("button", { name: "Menu" });
  const box = await menu.boundingBox();
  if (!box || box.width < 44 || box.height < 44) throw new Error("the menu button is too small: " + JSON.stringify(box));
  await menu.click();
  await page.locator("#sidebar.open").waitFor({ timeout: STEP_MS });
  const inside = () => page.evaluate(() => document.getElementById("sidebar").contains(document.activeElement));
  if (!(await inside())) throw new Error("focus did not move into the drawer");
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press(i % 5 === 4 ? "Shift+Tab" : "Tab");
    if (!(await inside())) throw new Error(`Tab left the open drawer (press ${i + 1})`);
  }
  const inert = await page.evaluate(() => document.querySelector(".main").inert && document.querySelector(".topbar").inert);
  if (!inert) throw new Error("the page behind the drawer is not inert");
  await page.keyboard.press("Escape");
  await page.locator("#sidebar.open").waitFor({ state: "detached", timeout: STEP_MS });
  if (!(await page.evaluate(() => document.activeElement?.id === "menu-button"))) throw new Error("focus did not return to ☰");
  if (!(await page.evaluate(() => document.getElementById("sidebar").inert))) throw new Error("the closed drawer is reachable by Tab");
}

/** A guest's Log out asks first (a modal dialog); Escape keeps the session, confirming ends it. */
export async function checkGuestLogout(page) {
  await page.getByRole("button", { name: "Log out" }).click();
  const dialog = page.getByRole("dialog", { name: "Log out for good?" });
  await dialog.waitFor({ timeout: STEP_MS });
  await expectText(dialog, "gone for good", "the warning");
  if (!(await page.evaluate(() => document.activeElement?.textContent === "Stay signed in"))) throw new Error("focus is not on the safe choice");
  await shot(page, "15-guest-logout");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden", timeout: STEP_MS });
  if (await page.locator("#app").isHidden()) throw new Error("Escape logged out");
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Log out for good" }).click();
  await page.getByLabel("Name").waitFor({ state: "visible", timeout: STEP_MS });
}
