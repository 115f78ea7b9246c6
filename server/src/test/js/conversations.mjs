// Conversations that follow the user, in Chromium (run by chat.nexus.conversations.ConversationsBrowserTest):
// one account in two browser contexts sees the same list; a direct message shows up in a fresh sign-in;
// an unread badge clears in both tabs when one reads; "Seen" under one's own direct message; a mention's
// toast; the phone's drawer dot.
import { BASE_URL, STEP_MS, expectText, joinRoom, newPerson, phone, run, send, shot, signInAsGuest, step } from "./kit.mjs";

const tag = Math.random().toString(36).slice(2, 8);
const account = `ann_${tag}`;
const password = "correct horse battery";
const room = `conv-${tag}`;
const quiet = `quiet-${tag}`;

async function signUp(page, name) {
  await page.goto(BASE_URL);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Account").fill(account);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.locator("#app").waitFor({ timeout: STEP_MS });
}

async function logIn(page) {
  await page.goto(BASE_URL);
  await page.getByLabel("Account").fill(account);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator("#app").waitFor({ timeout: STEP_MS });
  await page.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
}

const navButton = (page, list, label) => page.locator(`#${list} .nav-item`, { hasText: label });
const badgeOf = (page, list, label) => navButton(page, list, label).locator(".badge:not(.mention)");

async function waitGone(locator, what) {
  await locator.waitFor({ state: "detached", timeout: STEP_MS }).catch(() => {
    throw new Error(what);
  });
}

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "ann");
  const annAgain = await newPerson(browser, "ann, second browser");
  const bob = await newPerson(browser, "bob");
  const annName = `Ann${tag}`;
  const bobName = `Bob${tag}`;

  await step("Ann signs up and joins two rooms; Bob joins one", async () => {
    await signUp(ann, annName);
    await joinRoom(ann, room);
    await joinRoom(ann, quiet);
    await signInAsGuest(bob, bobName);
    await joinRoom(bob, room);
  });

  await step("a second browser signed in as Ann lists the same rooms, from the server", async () => {
    await logIn(annAgain);
    await navButton(annAgain, "room-list", room).waitFor({ timeout: STEP_MS });
    await navButton(annAgain, "room-list", quiet).waitFor({ timeout: STEP_MS });
  });

  await step("Bob's message gives an unread badge in both of Ann's browsers", async () => {
    await send(bob, "hello Ann");
    await expectText(badgeOf(ann, "room-list", room), "1", "first browser's badge");
    await expectText(badgeOf(annAgain, "room-list", room), "1", "second browser's badge");
    await shot(annAgain, "unread-badge");
  });

  await step("reading in one browser clears the badge in the other", async () => {
    await ann.bringToFront();
    await navButton(ann, "room-list", room).click();
    await expectText(ann.locator("#log .bubble"), "hello Ann", "the message");
    await waitGone(badgeOf(annAgain, "room-list", room), "the second browser's badge did not clear");
  });

  await step("a mention gives Ann a toast and a mention badge", async () => {
    await ann.bringToFront();
    await navButton(ann, "room-list", quiet).click(); // away from the room
    await send(bob, `@${account} look at this`);
    await expectText(ann.locator(".toast"), "mentioned you", "the toast");
    await navButton(annAgain, "room-list", room).locator(".badge.mention").waitFor({ timeout: STEP_MS });
    await shot(ann, "mention-toast");
  });

  await step("Bob's direct message shows up for Ann, and in a fresh sign-in", async () => {
    await bob.locator("#people-list .person", { hasText: annName }).click();
    await expectText(bob.locator("#chat-title"), annName, "Bob's direct conversation");
    await send(bob, "psst, just us");
    await navButton(ann, "dm-list", bobName).waitFor({ timeout: STEP_MS });
    const fresh = await newPerson(browser, "ann, fresh sign-in");
    await logIn(fresh);
    await navButton(fresh, "dm-list", bobName).waitFor({ timeout: STEP_MS });
    await expectText(badgeOf(fresh, "dm-list", bobName), "1", "the fresh sign-in's unread badge");
    await fresh.context().close();
  });

  await step("Bob sees \"Seen\" once Ann reads his direct message", async () => {
    await ann.bringToFront();
    await navButton(ann, "dm-list", bobName).click();
    await expectText(ann.locator("#log .bubble"), "psst, just us", "Ann's view of the message");
    await bob.bringToFront();
    await bob.locator("#log .seen").waitFor({ timeout: STEP_MS });
    await shot(bob, "seen");
  });

  await step("on a phone, the menu button shows a dot for what is unread while the drawer is closed", async () => {
    const pocket = await newPerson(browser, "ann on a phone", phone);
    await logIn(pocket);
    await bob.bringToFront();
    await bob.locator(`#room-list .nav-item`, { hasText: room }).click();
    await send(bob, "anyone on a phone?");
    await pocket.locator("#menu-badge").waitFor({ state: "visible", timeout: STEP_MS });
    await shot(pocket, "phone-drawer-dot");
    await pocket.context().close();
  });
});
