// The web client in a real browser (playwright-core driving the system's Chromium), run by
// chat.nexus.http.WebClientTest against a real ChatServer:
//   NEXUS_URL=http://127.0.0.1:PORT NEXUS_SCREENSHOTS=target/screenshots node web-client.mjs
// Two people sign up (a guest and an account), join a room, see each other's presence and typing, chat,
// page back through history, talk directly, survive a dropped connection (missed messages shown once),
// page through the companion gallery (Show more), then talk to the demo companion (a streamed reply from
// the simulated provider) while the other waits out AI_BUSY with an automatic retry; and the room on a
// phone-sized screen. Along the way (web-client-polish.mjs): markdown in messages, dates, the length limit,
// "Jump to latest", a direct conversation's presence, the phone drawer and its unread dot, the guest
// log-out question, and an axe-core accessibility audit of each screen in the light and dark themes.
// Screenshots of each screen go to NEXUS_SCREENSHOTS. Prints "browser: N passed, 0 failed" and exits 0,
// or names the failed step and exits 1 (kit.mjs).

import { createHmac } from "node:crypto";
import { BASE_URL, STEP_MS, expectText, joinRoom, run, send, shot, signInAsGuest, step } from "./kit.mjs";
import { MARKDOWN, audit, checkCounter, checkDates, checkDrawer, checkEmptyRoom, checkGuestLogout, checkJump, checkMarkdown,
  checkMarkdownCases, checkNonTextContrast } from "./web-client-polish.mjs";

const ROOM = process.env.NEXUS_ROOM ?? "lobby";
const JWT_SECRET = process.env.NEXUS_JWT_SECRET;
const HISTORY_SEED = 40; // more than one history page (30)
const GALLERY_PAGE = 30; // the server's default page of companions

/** The same token (user, name, session) expiring in `seconds`, signed with the server's secret. */
function expiringSoon(token, seconds) {
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = b64({ alg: "HS256", typ: "JWT" }) + "." + b64({ ...claims, exp: Math.floor(Date.now() / 1000) + seconds });
  return unsigned + "." + createHmac("sha256", JWT_SECRET).update(unsigned).digest("base64url");
}

const log = (page) => page.getByRole("list", { name: "Conversation" });
const bubble = (page, text) => log(page).locator(".bubble", { hasText: text });
const count = (locator) => locator.count();

await run(async ({ browser }) => {
  const desktop = { viewport: { width: 1200, height: 760 }, deviceScaleFactor: 1 };
  const annContext = await browser.newContext(desktop);
  const bobContext = await browser.newContext(desktop);
  const ann = await annContext.newPage();
  const bob = await bobContext.newPage();
  for (const [who, page] of [["ann", ann], ["bob", bob]]) {
    page.on("pageerror", (e) => console.error(`[${who} page error] ${e.message}`));
  }
  const bobAccount = "bob_" + Math.random().toString(36).slice(2, 8);

  await step("the sign-in screen, its files all under hashed names", async () => {
    const requests = [];
    const errors = [];
    const onRequest = (r) => requests.push(new URL(r.url()).pathname);
    const onConsole = (m) => m.type() === "error" && errors.push(m.text());
    ann.on("request", onRequest);
    ann.on("console", onConsole);
    await ann.goto(BASE_URL, { waitUntil: "load" });
    await ann.getByLabel("Name").waitFor();
    ann.off("request", onRequest);
    ann.off("console", onConsole);
    // A plain module URL here would mean the import map was not used (refused by the CSP, say).
    const assets = requests.filter((p) => p.startsWith("/assets/"));
    const plain = assets.filter((p) => !/\.[0-9a-f]{10}\.[a-z]+$/.test(p));
    if (assets.length < 13 || plain.length > 0 || errors.length > 0) {
      throw new Error(`requests: ${requests.join(" ")}; console errors: ${errors.join("; ")}`);
    }
    console.log(`first load: ${requests.length} requests, ${assets.length} of them assets`);
    await shot(ann, "01-login");
    await audit(ann, "sign-in", { screenshot: "01-login-dark" });
  });

  await step("Ann continues as a guest, Bob signs up", async () => {
    await ann.getByLabel("Name").fill("Ann");
    await ann.getByRole("button", { name: "Continue as guest" }).click();
    await ann.locator("#app").waitFor({ timeout: STEP_MS });

    await bob.goto(BASE_URL);
    await bob.getByLabel("Name").fill("Bob");
    await bob.getByLabel("Account").fill(bobAccount);
    await bob.getByLabel("Password").fill("correct horse battery");
    await bob.getByRole("button", { name: "Sign up" }).click();
    await bob.locator("#app").waitFor({ timeout: STEP_MS });
    await expectText(bob.locator("#me"), "Bob", "Bob's name in the top bar");
  });

  await step("both join the room and see each other online", async () => {
    await joinRoom(ann, ROOM);
    await joinRoom(bob, ROOM);
    await expectText(ann.locator("#people-list li"), "Bob", "Ann's people list");
    await expectText(bob.locator("#people-list li"), "Ann", "Bob's people list");
    await expectText(ann.locator("#chat-subtitle"), "2 online", "Ann's room header");
    const transport = await ann.evaluate(() => window.nexusClient.socket.io.engine.transport.name);
    if (transport !== "websocket") throw new Error(`the socket should upgrade to websocket (CSP allows it), got ${transport}`);
  });

  await step("Ann sees Bob typing", async () => {
    await bob.getByLabel("Message").pressSequentially("Hi Ann", { delay: 20 });
    await expectText(ann.locator("#typing"), "Bob is typing", "typing indicator");
  });

  await step("they exchange messages", async () => {
    await bob.getByRole("button", { name: "Send" }).click();
    await bubble(ann, "Hi Ann").waitFor({ timeout: STEP_MS });
    await ann.locator("#typing", { hasText: /^$/ }).waitFor({ timeout: STEP_MS });
    await send(ann, "Hello Bob, welcome!");
    await bubble(bob, "Hello Bob, welcome!").waitFor({ timeout: STEP_MS });
    await bob.locator(".msg.mine .time").last().waitFor({ timeout: STEP_MS }); // stored: shows its time
    await bob.getByLabel("Message").pressSequentially("Nice to meet", { delay: 15 });
    await expectText(ann.locator("#typing"), "Bob is typing", "typing indicator");
    await shot(ann, "02-room-ann");
    await bob.getByLabel("Message").fill("");
    await shot(bob, "03-room-bob");
    const banner = (call) => ann.evaluate(async (f) => { const c = await import("/assets/connection.js"); f ? c.showBanner("Reconnected.", "good") : c.clearBanner(); }, call);
    await banner(true); // audited with the room
    await audit(ann, "a room", { screenshot: "02-room-ann-dark" });
    await banner(false);
    await checkNonTextContrast(ann);
  });

  await step("markdown: bold, italics, code, a list, a quote, links in a new tab; raw HTML and javascript: as text", async () => {
    await send(ann, MARKDOWN);
    await checkMarkdown(bob);
    await shot(bob, "03-markdown");
  });

  await step("markdown.js against hostile inputs: only its tags, only http(s) and mailto links", async () => {
    await checkMarkdownCases(bob);
  });

  await step("times: today's time under a message, yesterday and earlier with a date, the full date in a title", async () => {
    await checkDates(bob);
  });

  await step("the composer counts near 4,000 characters and refuses more, without cutting", async () => {
    await checkCounter(ann);
  });

  await step("Join with an empty room name says to type one", async () => {
    await checkEmptyRoom(ann);
  });

  await step("older messages load when scrolling up", async () => {
    // Setting the scene through Bob's socket is quicker than typing 40 lines.
    await bob.evaluate(async ({ room, n }) => {
      for (let i = 1; i <= n; i++) {
        const ack = await window.nexusClient.socket.emitWithAck("message:send", { roomId: room, text: `history line ${i}` });
        if (!ack.ok) throw new Error(JSON.stringify(ack));
      }
    }, { room: ROOM, n: HISTORY_SEED });
    await bubble(ann, `history line ${HISTORY_SEED}`).waitFor({ timeout: STEP_MS });
    await ann.reload(); // a fresh page: the session and rooms come back, history is read in pages
    await bubble(ann, `history line ${HISTORY_SEED}`).waitFor({ timeout: STEP_MS });
    if (await count(bubble(ann, "Hi Ann"))) throw new Error("the first page should not reach the oldest message");
    await log(ann).evaluate((node) => { node.scrollTop = 0; });
    await bubble(ann, "Hi Ann").waitFor({ timeout: STEP_MS });
    await expectText(log(ann).locator(".note"), `This is the start of #${ROOM}`, "start of the room");
  });

  await step("scrolled up, new messages show on Jump to latest with their count", async () => {
    await checkJump(ann, bob, ROOM);
  });

  await step("a direct message", async () => {
    await ann.locator("#people-list button", { hasText: "Bob" }).click();
    await ann.locator("#chat-title", { hasText: "Bob" }).waitFor({ timeout: STEP_MS });
    await send(ann, "psst, just between us");
    const item = bob.locator("#dm-list button", { hasText: "Ann" });
    await item.locator(".badge").waitFor({ timeout: STEP_MS });
    await item.click();
    await bubble(bob, "psst, just between us").waitFor({ timeout: STEP_MS });
    await send(bob, "sure");
    await bubble(ann, "sure").waitFor({ timeout: STEP_MS });
    await expectText(ann.locator("#chat-subtitle"), "online", "Bob online in the direct conversation");
    await audit(ann, "a direct conversation", { screenshot: "04-direct-dark" });
    // Bob goes away and comes back: the header follows the presence events.
    await bob.evaluate(() => window.nexusClient.socket.disconnect());
    await ann.locator("#chat-subtitle", { hasText: /^offline$/ }).waitFor({ timeout: STEP_MS });
    await bob.evaluate(() => window.nexusClient.socket.connect());
    await ann.locator("#chat-subtitle", { hasText: /^online$/ }).waitFor({ timeout: STEP_MS });
    await bob.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    await bob.locator("#room-list button", { hasText: ROOM }).click();
    await ann.locator("#room-list button", { hasText: ROOM }).click();
  });

  await step("a dropped connection: missed messages are shown once", async () => {
    await annContext.setOffline(true);
    await ann.evaluate(() => window.nexusClient.socket.io.engine.close());
    await ann.locator("#connection", { hasText: "Reconnecting" }).waitFor({ timeout: STEP_MS });
    await send(bob, "sent while Ann was away");
    await send(bob, "and one more");
    await bob.locator(".msg.pending").first().waitFor({ state: "detached", timeout: STEP_MS });
    await send(ann, "typed while offline");
    await shot(ann, "04-reconnecting");
    await annContext.setOffline(false);
    await ann.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    await bubble(ann, "and one more").waitFor({ timeout: STEP_MS });
    await bubble(bob, "typed while offline").waitFor({ timeout: STEP_MS });
    await ann.locator(".msg.pending, .msg.queued").first().waitFor({ state: "detached", timeout: STEP_MS });
    await expectText(bob.locator("#people-list li"), "Ann", "Ann online again for Bob");
    if (!(await ann.evaluate(() => window.nexusClient.socket.recovered))) {
      throw new Error("the session should have been recovered (connection state recovery)");
    }
    await ann.waitForTimeout(500); // anything delivered twice would show by now
    for (const [page, text] of [[ann, "sent while Ann was away"], [ann, "and one more"], [ann, "typed while offline"], [bob, "typed while offline"]]) {
      const n = await count(bubble(page, text));
      if (n !== 1) throw new Error(`"${text}" is shown ${n} times`);
    }
  });

  await step("the companion gallery: the first page, then Show more", async () => {
    // a full first page of newer cards puts the demo companion on the second page
    const { token } = await (await fetch(BASE_URL + "/api/auth/guest", { method: "POST",
      headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Carder" }) })).json();
    for (let i = 1; i <= GALLERY_PAGE; i++) {
      const created = await fetch(BASE_URL + "/api/characters?visibility=public", { method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer " + token },
        body: JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0",
          data: { name: `Keeper ${i}`, description: "{{char}} keeps lighthouse number " + i + "." } }) });
      if (created.status !== 201) throw new Error("creating a character: " + created.status);
    }
    await ann.getByRole("button", { name: "Gallery" }).click();
    await ann.locator(".card", { hasText: "Keeper 1" }).first().waitFor({ timeout: STEP_MS });
    const shown = await count(ann.locator(".card"));
    if (shown !== GALLERY_PAGE) throw new Error(`the first page shows ${shown} cards`);
    const more = ann.getByRole("button", { name: "Show more companions" });
    await more.click();
    const card = ann.locator(".card", { hasText: "Mira" });
    await card.waitFor({ timeout: STEP_MS });
    await more.waitFor({ state: "hidden", timeout: STEP_MS }); // the last page is in
    await card.locator("img.art").evaluate((img) => img.decode());
    await expectText(card.locator(".views"), "view", "view count");
    await shot(ann, "05-gallery");
    await audit(ann, "the gallery", { screenshot: "05-gallery-dark" });
  });

  await step("Ann talks with Mira: a streamed reply", async () => {
    await ann.getByRole("button", { name: "Chat with Mira" }).click();
    await bubble(ann, "Welcome aboard the Nexus, Ann!").waitFor({ timeout: STEP_MS });
    await send(ann, "Where are we going today?");
    const stream = ann.locator("#stream .bubble");
    await stream.waitFor({ timeout: STEP_MS });
    const first = await stream.textContent();
    await ann.waitForFunction((before) => {
      const node = document.querySelector("#stream .bubble");
      return node && node.textContent.length > before.length + 3;
    }, first, { timeout: STEP_MS });
    await shot(ann, "06-companion-streaming");
    await stream.waitFor({ state: "detached", timeout: STEP_MS });
    await expectText(log(ann).locator(".msg:not(.mine) .bubble"), "Where are we going today?", "Mira's stored reply");
    await shot(ann, "07-companion");
  });

  await step("a companion's reply in markdown", async () => {
    await send(ann, "Say **bold words** please");
    // The streaming bubble is updated in place (no flicker): the same element while the text grows.
    await ann.locator("#stream").evaluate((node) => { node.dataset.first = "yes"; });
    await ann.waitForFunction(() => document.querySelector("#stream .bubble strong"), null, { timeout: STEP_MS });
    if ((await ann.locator("#stream").getAttribute("data-first")) !== "yes") throw new Error("the streaming bubble was replaced");
    const reply = log(ann).locator(".msg:not(.mine) .bubble", { hasText: "bold words" });
    await reply.locator("strong", { hasText: "bold words" }).waitFor({ timeout: STEP_MS });
    await reply.locator("em", { hasText: "Mira" }).waitFor({ timeout: STEP_MS }); // "*Mira smiles*"
    await log(ann).locator(".msg.mine .bubble strong", { hasText: "bold words" }).last().waitFor({ timeout: STEP_MS });
    await audit(ann, "a companion", { screenshot: "07-companion-dark" });
  });

  await step("Bob meets AI_BUSY and the message goes out by itself", async () => {
    await bob.getByRole("button", { name: "Gallery" }).click();
    await bob.getByRole("button", { name: "Show more companions" }).click(); // Mira is on the second page
    await bob.getByRole("button", { name: "Chat with Mira" }).click();
    await bubble(bob, "Welcome aboard the Nexus, Bob!").waitFor({ timeout: STEP_MS });
    await send(ann, "Tell me about the stars, please");
    await ann.locator("#stream").waitFor({ timeout: STEP_MS }); // Ann's reply holds the only slot
    await send(bob, "Are you there?");
    await expectText(bob.locator("#banner"), /Mira is busy, retrying in \d+ s/, "busy banner");
    await shot(bob, "08-companion-busy");
    await expectText(log(bob).locator(".msg:not(.mine) .bubble"), "Are you there?", "Mira's reply after the retry");
    await bob.locator("#banner").waitFor({ state: "hidden", timeout: STEP_MS });
  });

  await step("two countdowns at once: each retries, the banner follows the newest", async () => {
    // a room message RATE_LIMITED while a companion message waits for AI_BUSY: both must be sent again
    const result = await bob.evaluate(async () => {
      const { countdown } = await import("/assets/connection.js");
      const banner = document.getElementById("banner");
      const fired = [];
      countdown(2, (s) => `first ${s}`, () => fired.push("first"));
      countdown(1, (s) => `second ${s}`, () => fired.push("second"));
      const shown = banner.textContent;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const afterSecond = banner.textContent;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      return { fired, shown, afterSecond, hidden: banner.hidden };
    });
    if (result.fired.join() !== "second,first" || result.shown !== "second 1" || result.afterSecond !== "first 1" || !result.hidden) {
      throw new Error("countdowns: " + JSON.stringify(result));
    }
  });

  await step("a reply cut by a dropped connection can be asked again", async () => {
    await send(ann, "One more question about the engines");
    await ann.locator("#stream").waitFor({ timeout: STEP_MS });
    await ann.evaluate(() => window.nexusClient.socket.io.engine.close());
    await expectText(log(ann).locator(".note"), "Mira could not finish", "interrupted reply");
    await ann.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    await log(ann).getByRole("button", { name: "Ask again" }).click();
    await expectText(log(ann).locator(".msg:not(.mine) .bubble"), "One more question about the engines", "the reply asked again");
  });

  await step("a phone-sized screen", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 780 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const cleo = await phone.newPage();
    await cleo.goto(BASE_URL);
    await shot(cleo, "09-phone-login");
    await signInAsGuest(cleo, "Cleo");
    await checkDrawer(cleo);
    await cleo.getByRole("button", { name: "Menu" }).click();
    await cleo.getByLabel("Room").waitFor({ state: "visible" });
    await cleo.locator("#sidebar").evaluate((node) => Promise.all(node.getAnimations().map((a) => a.finished)));
    await shot(cleo, "10-phone-menu");
    await joinRoom(cleo, ROOM);
    await send(cleo, "Hello from my phone");
    await cleo.locator(".msg.mine .time").last().waitFor({ timeout: STEP_MS });
    const overflow = await cleo.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`the page is ${overflow} px wider than a phone`);
    for (const label of ["Message", "Send"]) {
      const box = await (label === "Send" ? cleo.getByRole("button", { name: "Send" }) : cleo.getByLabel(label)).boundingBox();
      if (!box || box.x < 0 || box.x + box.width > 390 || box.y + box.height > 780) throw new Error(`${label} is off screen: ${JSON.stringify(box)}`);
    }
    await shot(cleo, "11-phone-room");
    await audit(cleo, "a room on a phone", { screenshot: "11-phone-room-dark" });
    await cleo.getByRole("button", { name: /People/ }).click();
    await expectText(cleo.locator("#people-list li"), "Bob", "people on the phone");
    await shot(cleo, "12-phone-people");
  });

  await step("a direct message on a phone: a dot on the closed menu", async () => {
    const cleo = browser.contexts().at(-1).pages()[0];
    await bob.locator("#room-list button", { hasText: ROOM }).click();
    await bob.locator("#people-list button", { hasText: "Cleo" }).click();
    await send(bob, "hi Cleo, one to one");
    await cleo.locator("#menu-badge").waitFor({ state: "visible", timeout: STEP_MS });
    await cleo.getByRole("button", { name: "Menu, 1 unread" }).waitFor({ timeout: STEP_MS });
    await shot(cleo, "12-phone-unread");
    await cleo.getByRole("button", { name: "Menu" }).click();
    await cleo.locator("#dm-list button", { hasText: "Bob" }).click();
    await bubble(cleo, "hi Cleo, one to one").waitFor({ timeout: STEP_MS });
    await cleo.locator("#menu-badge").waitFor({ state: "hidden", timeout: STEP_MS });
    if (!(await cleo.evaluate(() => document.activeElement?.id === "menu-button"))) throw new Error("focus is lost after picking a conversation");
    await bob.locator("#room-list button", { hasText: ROOM }).click();
  });

  await step("a stale token renews itself, an expiring one on an open socket too; an ended session signs out at once", async () => {
    const cleo = browser.contexts().at(-1).pages()[0];
    await cleo.evaluate(() => {
      const auth = JSON.parse(localStorage.getItem("nexus.auth"));
      localStorage.setItem("nexus.auth", JSON.stringify({ ...auth, token: "not-a-valid-token" }));
    });
    await cleo.reload();
    await cleo.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    const token = await cleo.evaluate(() => JSON.parse(localStorage.getItem("nexus.auth")).token);
    if (token === "not-a-valid-token") throw new Error("the token was not renewed");
    // A token that expires while the socket is open: the server says so and closes the connection; the
    // page gets a new token and the client reconnects by itself, recovering its session (same user).
    await cleo.evaluate((t) => {
      const auth = JSON.parse(localStorage.getItem("nexus.auth"));
      localStorage.setItem("nexus.auth", JSON.stringify({ ...auth, token: t }));
    }, expiringSoon(token, 4));
    await cleo.reload();
    await cleo.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    await cleo.evaluate(() => {
      window.expiredHeard = false;
      window.nexusClient.socket.on("token:expired", () => { window.expiredHeard = true; });
    });
    await cleo.waitForFunction(() => window.expiredHeard, null, { timeout: STEP_MS });
    await cleo.waitForFunction(() => window.nexusClient.socket.connected && window.nexusClient.socket.recovered, null, { timeout: STEP_MS });
    const renewed = await cleo.evaluate(() => JSON.parse(localStorage.getItem("nexus.auth")).token);
    if (renewed === token) throw new Error("the expired token was not renewed");
    await send(cleo, "Back after my token expired");
    await cleo.locator(".msg.mine .time").last().waitFor({ timeout: STEP_MS });

    // Signed out elsewhere (another device of the session): the open page goes to sign-in by itself.
    const logout = await fetch(BASE_URL + "/api/auth/logout", { method: "POST", headers: { authorization: "Bearer " + renewed } });
    if (!logout.ok) throw new Error("logout: " + logout.status);
    await expectText(cleo.locator("#login-error"), "Your session has ended", "sign-in screen after logout elsewhere");
    await cleo.getByLabel("Name").waitFor({ state: "visible" });
    await browser.contexts().at(-1).close();
  });

  await step("a guest's Log out asks first: the guest is gone for good; an account's does not", async () => {
    await checkGuestLogout(ann);
    await bob.getByRole("button", { name: "Log out" }).click();
    await bob.getByLabel("Name").waitFor({ state: "visible", timeout: STEP_MS });
  });
});
