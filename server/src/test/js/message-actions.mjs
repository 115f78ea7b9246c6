// Editing, deleting, replying to and reacting to messages in the web client, by two people: Ann on a
// desktop window (keyboard only for her edit), Bob on a phone. Run by chat.nexus.chat.MessageActionsBrowserTest:
// NEXUS_URL=http://127.0.0.1:PORT node message-actions.mjs

import { BASE_URL, STEP_MS, desktop, expectText, joinRoom, newPerson, phone, run, send, shot, signInAsGuest, step } from "./kit.mjs";

const ROOM = "actions-" + Math.random().toString(36).slice(2, 8);

const messageWith = (page, text) => page.locator("#log li.msg").filter({ hasText: text }).first();

async function openMenu(page, item) {
  await item.getByRole("button", { name: "Actions" }).click();
  await item.locator(".menu").waitFor({ timeout: STEP_MS });
}

async function atLeast44(locator, what) {
  const box = await locator.boundingBox();
  if (!box || box.width < 44 || box.height < 44) throw new Error(`${what} is smaller than 44x44 px: ${JSON.stringify(box)}`);
}

await run(async ({ browser }) => {
  if (!BASE_URL) return;
  const ann = await newPerson(browser, "Ann", desktop);
  const bob = await newPerson(browser, "Bob", phone);

  await step("Ann (desktop) and Bob (phone) join one room", async () => {
    await signInAsGuest(ann, "Ann");
    await joinRoom(ann, ROOM);
    await signInAsGuest(bob, "Bob");
    await bob.getByRole("button", { name: "Menu" }).click();
    await bob.getByLabel("Room").waitFor({ state: "visible" });
    await bob.locator("#sidebar").evaluate((node) => Promise.all(node.getAnimations().map((a) => a.finished)));
    await joinRoom(bob, ROOM);
    await send(ann, "helo wrold");
    await expectText(bob.locator("#log .bubble"), "helo wrold", "Bob sees Ann's message");
  });

  await step("Ann edits her message with the keyboard; Bob sees it (edited)", async () => {
    const mine = messageWith(ann, "helo wrold");
    await mine.getByRole("button", { name: "Actions" }).focus();
    await ann.keyboard.press("Enter");
    await mine.getByRole("button", { name: "React" }).waitFor({ timeout: STEP_MS });
    // the menu's first item has the focus: Tab to Reply, then to Edit
    await ann.keyboard.press("Tab");
    await ann.keyboard.press("Tab");
    const focused = await ann.evaluate(() => document.activeElement?.textContent);
    if (focused !== "Edit") throw new Error(`Tab reached "${focused}", not Edit`);
    await ann.keyboard.press("Enter");
    await expectText(ann.locator("#composer-context"), "Editing your message", "the edit bar");
    const draft = await ann.locator("#message").inputValue();
    if (draft !== "helo wrold") throw new Error(`the composer holds "${draft}"`);
    await ann.getByRole("button", { name: "Save" }).waitFor({ timeout: STEP_MS });
    await ann.locator("#message").fill("hello world");
    await ann.locator("#message").press("Enter");
    await expectText(ann.locator("#log .bubble"), "hello world", "Ann's edited message");
    await ann.getByRole("button", { name: "Send" }).waitFor({ timeout: STEP_MS });
    await expectText(bob.locator("#log .bubble"), "hello world", "Bob sees the edit");
    await expectText(messageWith(bob, "hello world").locator(".edited"), "(edited)", "the edited mark");
    await shot(bob, "01-phone-edited");
  });

  await step("Bob (phone) replies to Ann's message; the quote shows for both and leads to the original", async () => {
    const annsMessage = messageWith(bob, "hello world");
    await atLeast44(annsMessage.getByRole("button", { name: "Actions" }), "the phone's menu button");
    await openMenu(bob, annsMessage);
    const menuText = await annsMessage.locator(".menu").textContent();
    if (menuText.includes("Edit") || menuText.includes("Delete")) throw new Error(`Bob may edit or delete Ann's message: ${menuText}`);
    await atLeast44(annsMessage.getByRole("button", { name: "Reply" }), "the phone's Reply");
    await annsMessage.getByRole("button", { name: "Reply" }).click();
    await expectText(bob.locator("#composer-context"), "Replying to Ann", "the reply bar");
    await shot(bob, "02-phone-replying");
    await send(bob, "hi Ann");
    await bob.locator("#composer-context").waitFor({ state: "hidden", timeout: STEP_MS });
    await expectText(messageWith(ann, "hi Ann").locator(".quote"), "hello world", "the quote Ann sees");
    await messageWith(ann, "hi Ann").locator(".quote").click();
    await ann.locator("#log li.msg.highlight").filter({ hasText: "hello world" }).waitFor({ timeout: STEP_MS });
    await shot(ann, "03-desktop-reply");
  });

  await step("reactions: Bob picks one on the phone, Ann adds hers by its chip, both see the count", async () => {
    const onBob = messageWith(bob, "hello world");
    await openMenu(bob, onBob);
    await onBob.getByRole("button", { name: "React" }).click();
    await atLeast44(onBob.getByRole("button", { name: "React with 👍" }), "an emoji of the picker");
    await onBob.getByRole("button", { name: "React with 👍" }).click();
    const bobChip = onBob.locator(".chip").filter({ hasText: "👍" });
    await expectText(bobChip, "1", "Bob's chip");
    if ((await bobChip.getAttribute("aria-pressed")) !== "true") throw new Error("Bob's own reaction is not highlighted");
    await atLeast44(bobChip, "a chip on the phone");

    const annChip = messageWith(ann, "hello world").locator(".chip").filter({ hasText: "👍" });
    await expectText(annChip, "1", "Ann sees Bob's reaction");
    if ((await annChip.getAttribute("aria-pressed")) !== "false") throw new Error("Bob's reaction shows as Ann's");
    await annChip.click();
    await expectText(annChip, "2", "Ann's chip after her click");
    await ann.locator('#log .chip.mine[aria-pressed="true"]').waitFor({ timeout: STEP_MS });
    await expectText(bobChip, "2", "Bob sees Ann's reaction");
    await shot(bob, "04-phone-reactions");
    await bobChip.click(); // a toggle: Bob takes his back
    await expectText(annChip, "1", "Ann sees Bob take his back");
  });

  await step("Ann deletes her message; both see Message deleted, the reply's quote too", async () => {
    const mine = messageWith(ann, "hello world");
    await openMenu(ann, mine);
    await mine.getByRole("button", { name: "Delete" }).click();
    await mine.getByText("Delete this message?").waitFor({ timeout: STEP_MS });
    await mine.getByRole("button", { name: "Delete" }).click();
    await expectText(ann.locator("#log li.msg.deleted .bubble"), "Message deleted", "Ann's deleted message");
    await expectText(bob.locator("#log li.msg.deleted .bubble"), "Message deleted", "Bob sees it deleted");
    await expectText(messageWith(bob, "hi Ann").locator(".quote"), "Message deleted", "the reply's quote");
    const count = await bob.locator("#log li.msg").filter({ hasText: "hello world" }).count();
    if (count !== 0) throw new Error("the deleted text is still shown");
    const overflow = await bob.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`the page is ${overflow} px wider than a phone`);
    await shot(bob, "05-phone-deleted");
  });

  await step("after a reload, history shows the same", async () => {
    await ann.reload();
    await ann.locator("#app").waitFor({ timeout: STEP_MS });
    if (await ann.locator("#chat-view").isHidden()) await ann.locator("#room-list").getByRole("button", { name: ROOM }).click();
    await expectText(ann.locator("#log li.msg.deleted .bubble"), "Message deleted", "the deleted message after a reload");
    await expectText(messageWith(ann, "hi Ann").locator(".quote"), "Message deleted", "the quote after a reload");
  });
});
