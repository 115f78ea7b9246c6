// Companions in group rooms in the web client: two people in a room, the owner adds the demo companion
// (Mira) in the room's settings, the other calls it with @mira, and both see its reply stream once, as
// Mira's, with the line of whom it answers; then the owner removes it. Run by
// chat.nexus.roomcompanions.RoomCompanionsBrowserTest.
import { desktop, expectText, joinRoom, newPerson, phone, run, send, shot, signInAsGuest, step, STEP_MS } from "./kit.mjs";
import { audit } from "./web-client-polish.mjs";

const tag = Math.random().toString(36).slice(2, 8);
const crew = `Crew-${tag}`;

async function createRoom(page, name) {
  if (await page.locator("#welcome-view").isHidden()) await page.getByRole("button", { name: "Browse rooms" }).click();
  await page.getByRole("button", { name: "New room" }).click();
  await page.locator("#new-room-name").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await page.locator("#chat-title", { hasText: name.toLowerCase() }).waitFor({ timeout: STEP_MS });
}

const replies = (page) => page.locator("#log .msg:not(.streaming)").filter({ has: page.locator(".who .name", { hasText: /^Mira$/ }) });

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "ann", desktop);
  const bob = await newPerson(browser, "bob", phone);

  await step("two people in a room the first one owns", async () => {
    await signInAsGuest(ann, "Ann");
    await signInAsGuest(bob, "Bob");
    await createRoom(ann, crew);
    await joinRoom(bob, crew.toLowerCase());
  });

  await step("the owner adds Mira in the room's settings", async () => {
    await ann.getByRole("button", { name: "Settings" }).click();
    await ann.locator("#companion-pick option", { hasText: "Mira" }).first().waitFor({ state: "attached", timeout: STEP_MS });
    await ann.getByLabel("Add a companion").selectOption({ label: "Mira" });
    await ann.getByRole("button", { name: "Add", exact: true }).click();
    await expectText(ann.locator("#settings-status"), "Added", "add status");
    await expectText(ann.getByRole("list", { name: "Companions" }).locator("li"), "@mira", "the companion listed");
    await audit(ann, "room settings with a companion");
    await ann.getByRole("button", { name: "Close settings" }).click();
  });

  await step("a mention streams one reply, seen by both as Mira's", async () => {
    await send(bob, "@mira where are we headed?");
    await expectText(ann.locator("#log .msg.streaming"), "Mira", "the reply streaming on the owner's screen");
    await expectText(ann.locator("#log .note"), "Mira is answering Bob", "the owner's turn line");
    await expectText(bob.locator("#log .note"), "Mira is answering you", "the asker's turn line");
    await shot(ann, "room-companion-streaming");
    for (const page of [ann, bob]) {
      await page.locator("#log .msg.streaming").waitFor({ state: "detached", timeout: STEP_MS });
      await replies(page).first().waitFor({ timeout: STEP_MS });
      const count = await replies(page).count();
      if (count !== 1) throw new Error(`expected one reply from Mira, saw ${count}`);
      await page.locator("#log .note", { hasText: "is answering" }).waitFor({ state: "detached", timeout: STEP_MS });
    }
    await shot(bob, "room-companion-reply-phone");
  });

  await step("the owner removes Mira", async () => {
    await ann.getByRole("button", { name: "Settings" }).click();
    await ann.getByRole("button", { name: "Remove Mira" }).click();
    await expectText(ann.locator("#settings-status"), "left", "remove status");
    await ann.getByRole("button", { name: "Close settings" }).click();
  });
});
