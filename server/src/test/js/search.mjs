// Run by chat.nexus.search.SearchBrowserTest: message search in the web client. Ann writes in a room; the
// message searched for is older than the page a room opens with, so opening a result loads the history
// around it. Bob searches on a phone (touch targets of 44 px), Carl on a desktop with the keyboard
// (Ctrl+K, then Enter on a result). Each sees the message in its room, scrolled to and highlighted.

import { expectText, newPerson, phone, run, send, shot, signInAsGuest, joinRoom, step, STEP_MS } from "./kit.mjs";

const ROOM = "search-" + Math.random().toString(36).slice(2, 8);
const WORD = "zebra" + Math.random().toString(36).slice(2, 7).replace(/[0-9]/g, "q");
const FILLERS = 40;

/** Sends through the page's own socket (quicker than typing forty messages). */
async function sendMany(page, texts) {
  await page.evaluate(async ({ roomId, texts }) => {
    const socket = window.nexusClient.socket;
    await socket.timeout(10_000).emitWithAck("room:join", { roomId }); // the page may still be joining
    for (const text of texts) {
      const ack = await socket.timeout(10_000).emitWithAck("message:send", { roomId, text });
      if (!ack.ok) throw new Error("send: " + JSON.stringify(ack));
    }
  }, { roomId: ROOM, texts });
}

async function expectHighlighted(page, who) {
  const hit = page.locator("#log li.search-hit");
  await hit.waitFor({ timeout: STEP_MS });
  const text = await hit.locator(".bubble").textContent();
  if (!text.includes(WORD)) throw new Error(`${who}: the highlighted message is "${text}"`);
  if (!(await hit.isVisible())) throw new Error(`${who}: the highlighted message is not visible`);
  const box = await hit.boundingBox();
  const log = await page.locator("#log").boundingBox();
  if (box.y + box.height < log.y || box.y > log.y + log.height) throw new Error(`${who}: the message is scrolled out of view`);
  // the context: messages on both sides of it
  const ids = await page.locator("#log li.msg").evaluateAll((items) => items.map((li) => Number(li.dataset.id)));
  const at = ids.indexOf(Number(await hit.getAttribute("data-id")));
  if (at <= 0 || at >= ids.length - 1) throw new Error(`${who}: no context around the message (${at} of ${ids.length})`);
}

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "Ann");
  const bob = await newPerson(browser, "Bob", phone);

  await step("two people in one room; the message is older than the newest page", async () => {
    await signInAsGuest(ann, "Ann");
    await joinRoom(ann, ROOM);
    await sendMany(ann, Array.from({ length: 15 }, (_, i) => `earlier message ${i}`));
    await send(ann, `Meet me by the ${WORD} statue at noon`);
    await expectText(ann.locator("#log .bubble"), WORD, "Ann's log");
    await sendMany(ann, Array.from({ length: FILLERS }, (_, i) => `filler message ${i}`));
    await signInAsGuest(bob, "Bob");
    await bob.locator("#menu-button").click();
    await joinRoom(bob, ROOM);
    await expectText(bob.locator("#log .bubble"), `filler message ${FILLERS - 1}`, "Bob's log");
  });

  await step("on a phone: the search button opens the panel; the result shows room, author, highlighted match", async () => {
    const button = bob.getByRole("button", { name: "Search", exact: true });
    const size = await button.boundingBox();
    if (size.width < 44 || size.height < 44) throw new Error(`the search button is ${size.width}x${size.height}`);
    await button.click();
    const box = bob.getByRole("search").getByLabel("Search text");
    await box.fill(WORD.toUpperCase());
    await box.press("Enter");
    const results = bob.getByRole("list", { name: "Search results" });
    const result = results.locator(".search-result").first();
    await result.waitFor({ timeout: STEP_MS });
    await expectText(bob.getByRole("status").filter({ hasText: "found" }), "1 message found", "the live region");
    const mark = await result.locator("mark").textContent();
    if (mark.toLowerCase() !== WORD) throw new Error(`the marked text is "${mark}"`);
    const meta = await result.locator(".search-meta").textContent();
    if (!meta.includes(ROOM) || !meta.includes("Ann")) throw new Error(`the result says "${meta}"`);
    const r = await result.boundingBox();
    if (r.height < 44) throw new Error(`a result is ${r.height} px high`);
    await shot(bob, "phone-results");
  });

  await step("on a phone: tapping the result opens the room at the message, highlighted, with context", async () => {
    await bob.locator(".search-result").first().click();
    await bob.locator("#search-panel").waitFor({ state: "hidden", timeout: STEP_MS });
    await bob.locator("#chat-title", { hasText: ROOM }).waitFor({ timeout: STEP_MS });
    await expectHighlighted(bob, "Bob");
    await shot(bob, "phone-opened");
  });

  await step("on a desktop: Ctrl+K, type, Enter on the result opens it", async () => {
    // Ann's own page has her messages already: Carl comes in and opens the room with its newest page.
    const carl = await newPerson(browser, "Carl");
    await signInAsGuest(carl, "Carl");
    await joinRoom(carl, ROOM);
    await expectText(carl.locator("#log .bubble"), `filler message ${FILLERS - 1}`, "Carl's log");
    await carl.locator("#log").click();
    await desktopSearch(carl);
  });

  await step("Escape closes the panel; \"/\" opens it again", async () => {
    await ann.locator("#log").click();
    await ann.keyboard.press("/");
    await ann.locator("#search-panel").waitFor({ state: "visible", timeout: STEP_MS });
    await ann.keyboard.press("Escape");
    await ann.locator("#search-panel").waitFor({ state: "hidden", timeout: STEP_MS });
  });
});

/** Ctrl+K, the words, Enter; then Enter on the first result. */
async function desktopSearch(page) {
  await page.keyboard.press("Control+k");
  const box = page.getByRole("search").getByLabel("Search text");
  if (!(await box.evaluate((input) => input === document.activeElement))) throw new Error("Ctrl+K did not focus the search box");
  await box.fill(WORD);
  await box.press("Enter");
  const result = page.locator(".search-result").first();
  await result.waitFor({ timeout: STEP_MS });
  await result.focus();
  await page.keyboard.press("Enter");
  await expectHighlighted(page, "Carl");
  await shot(page, "desktop-opened");
}
