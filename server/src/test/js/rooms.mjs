// Rooms with owners in the web client, three people (one on a phone): a private room and its
// invitation, the directory and its search, mute and kick from the settings panel, Report on a
// message, Block hiding messages. Run by chat.nexus.chat.RoomsBrowserTest.
import { desktop, expectText, newPerson, phone, run, send, shot, signInAsGuest, step, STEP_MS } from "./kit.mjs";

const tag = Math.random().toString(36).slice(2, 8);
const secret = `Secret-${tag}`;
const plaza = `Plaza-${tag}`;

const userId = (page) => page.evaluate(() => {
  for (const key of Object.keys(localStorage)) {
    try { const v = JSON.parse(localStorage.getItem(key)); if (v?.user?.id && v.token) return v.user.id; } catch { /* not ours */ }
  }
  return null;
});

async function createRoom(page, name, topic, visibility) {
  if (await page.locator("#welcome-view").isHidden()) await page.getByRole("button", { name: "Browse rooms" }).click();
  await page.getByRole("button", { name: "New room" }).click();
  await page.locator("#new-room-name").fill(name);
  await page.getByLabel("Topic (optional)").fill(topic);
  await page.getByLabel(visibility === "private" ? /Private/ : /Public/).check();
  await page.getByRole("button", { name: "Create" }).click();
  await page.locator("#chat-title", { hasText: name.toLowerCase() }).waitFor({ timeout: STEP_MS });
}

async function openSettings(page) {
  await page.getByRole("button", { name: "Settings" }).click();
  await page.locator("#settings-body .member").first().waitFor({ timeout: STEP_MS });
}

const memberRow = (page, name) => page.locator("#settings-body .member", { hasText: name });

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "ann", desktop);
  const bob = await newPerson(browser, "bob", desktop);
  const cleo = await newPerson(browser, "cleo", phone);

  await step("three people sign in; the welcome screen lists the directory", async () => {
    await signInAsGuest(ann, "Ann");
    await signInAsGuest(bob, "Bob");
    await signInAsGuest(cleo, "Cleo");
    await ann.locator("#directory-title").waitFor({ timeout: STEP_MS });
  });

  await step("the owner creates a private room and invites one person by id", async () => {
    await createRoom(ann, secret, "only us", "private");
    await openSettings(ann);
    await ann.getByLabel("Invite someone").fill(await userId(bob));
    await ann.getByRole("button", { name: "Invite", exact: true }).click();
    await expectText(ann.locator("#settings-status"), "Invitation sent", "invite status");
    await ann.getByRole("button", { name: "Close settings" }).click();
  });

  await step("the invited person gets a notice and joins", async () => {
    await expectText(bob.locator("#room-notices"), "invited you", "Bob's notice");
    await bob.getByRole("button", { name: `Join ${secret}` }).click();
    await bob.locator("#chat-title", { hasText: secret.toLowerCase() }).waitFor({ timeout: STEP_MS });
    await send(bob, "hello secret");
    await expectText(ann.locator("#log .msg"), "hello secret", "Ann hears Bob");
  });

  await step("the third person (phone) cannot join the private room", async () => {
    await cleo.getByRole("button", { name: "Menu" }).click();
    await cleo.getByLabel("Room").fill(secret);
    await cleo.getByLabel("Room").press("Enter");
    await expectText(cleo.locator("#banner"), "private", "Cleo's refusal");
    await shot(cleo, "private-refused-phone");
    await cleo.getByRole("button", { name: "Leave" }).click();
  });

  await step("a public room shows in the directory search with its counts, and the phone joins it", async () => {
    await createRoom(ann, plaza, "the square", "public");
    await cleo.getByLabel("Search the directory").fill(`plaza-${tag}`);
    await expectText(cleo.locator("#directory-list li"), "the square", "directory entry");
    await expectText(cleo.locator("#directory-list li"), "1 member", "member count");
    const join = cleo.getByRole("button", { name: `Join ${plaza}` });
    const box = await join.boundingBox();
    if (box.width < 44 || box.height < 44) throw new Error(`Join is ${box.width}x${box.height}`);
    await join.click();
    await cleo.locator("#chat-title", { hasText: plaza.toLowerCase() }).waitFor({ timeout: STEP_MS });
    await shot(cleo, "directory-joined-phone");
  });

  await step("the owner mutes the phone user: the send is refused with a clear message", async () => {
    await openSettings(ann);
    await memberRow(ann, "Cleo").getByRole("button", { name: "Mute" }).click();
    await expectText(ann.locator("#settings-status"), "muted", "mute status");
    await expectText(cleo.locator("#banner"), "muted", "Cleo's mute notice");
    await send(cleo, "can I speak?");
    await expectText(cleo.locator("#log .msg.failed"), "muted", "refused send");
  });

  await step("the owner kicks the phone user, who is told", async () => {
    await memberRow(ann, "Cleo").getByRole("button", { name: "Kick" }).click();
    await expectText(cleo.locator("#room-notices"), "removed from", "Cleo's removal notice");
    await shot(cleo, "removed-phone");
    await ann.getByRole("button", { name: "Close settings" }).click();
  });

  await step("a member reports a message; the owner reads the report", async () => {
    await bob.getByLabel("Room").fill(plaza);
    await bob.getByLabel("Room").press("Enter");
    await bob.locator("#chat-title", { hasText: plaza.toLowerCase() }).waitFor({ timeout: STEP_MS });
    await send(ann, "report me please");
    const message = bob.locator("#log li.msg", { hasText: "report me please" });
    await message.getByRole("button", { name: "Report" }).click();
    await bob.locator("#report-reason").fill("testing reports");
    await bob.getByRole("button", { name: "Send report" }).click();
    await expectText(bob.locator("#banner"), "moderators will look", "report thanks");
    await openSettings(ann);
    await expectText(ann.locator("#report-list li"), "testing reports", "the report");
    await ann.getByRole("button", { name: "Close settings" }).click();
  });

  await step("blocking a person hides their messages", async () => {
    await send(bob, "spam from bob");
    await expectText(ann.locator("#log .msg"), "spam from bob", "Ann sees Bob first");
    await openSettings(ann);
    await memberRow(ann, "Bob").getByRole("button", { name: "Block" }).click();
    await expectText(ann.locator("#settings-status"), "You blocked", "block status");
    await ann.getByRole("button", { name: "Close settings" }).click();
    await ann.locator("#log .msg", { hasText: "spam from bob" }).waitFor({ state: "detached", timeout: STEP_MS });
    await shot(ann, "blocked-hidden");
  });
});
