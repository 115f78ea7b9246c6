// A companion's chats in Chromium (run by chat.nexus.companion.CompanionChatsBrowserTest): regenerate
// and swipe a reply (n/m kept after a reload), edit one's words and continue, start, rename and switch
// chats, a persona chosen per chat, the memory panel, and the same account on a phone; axe on each.
import { BASE_URL, STEP_MS, expectText, newPerson, phone, run, send, shot, step } from "./kit.mjs";
import { audit } from "./web-client-polish.mjs";

const tag = Math.random().toString(36).slice(2, 8);
const account = `cara_${tag}`;
const password = "correct horse battery";

const log = (page) => page.getByRole("list", { name: "Conversation" });
const replies = (page) => log(page).locator(".msg:not(.mine)");

async function signUp(page) {
  await page.goto(BASE_URL);
  await page.getByLabel("Name").fill(`Cara${tag}`);
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
  await page.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
}

async function openMira(page) {
  const menu = page.getByRole("button", { name: "Menu" });
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
  const listed = page.locator("#companion-list .nav-item", { hasText: "Mira" });
  if (await listed.count()) await listed.click();
  else {
    await page.getByRole("button", { name: "Gallery" }).first().click();
    await page.getByRole("button", { name: "Chat with Mira" }).click();
  }
  await page.locator("#companion-bar").waitFor({ timeout: STEP_MS });
}

async function replyDone(page, count) {
  await page.locator("#stream").waitFor({ state: "detached", timeout: STEP_MS });
  await page.waitForFunction((n) => document.querySelectorAll("#log .msg:not(.mine)").length >= n, count, { timeout: STEP_MS });
}

await run(async ({ browser }) => {
  const cara = await newPerson(browser, "cara");

  await step("a reply regenerated: two swipes, the arrows move between them", async () => {
    await signUp(cara);
    await openMira(cara);
    await replies(cara).first().waitFor({ timeout: STEP_MS });
    await send(cara, "Where are we going today?");
    await replyDone(cara, 2);
    await log(cara).getByRole("button", { name: "Regenerate" }).click();
    await expectText(log(cara).locator(".swipe-count"), "2/2", "the second swipe");
    await log(cara).getByRole("button", { name: "Previous reply" }).click();
    await expectText(log(cara).locator(".swipe-count"), "1/2", "back to the first");
    await shot(cara, "companion-swipes");
  });

  await step("after a reload the chosen swipe and the count are still there", async () => {
    await cara.reload();
    await cara.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    await openMira(cara);
    await expectText(log(cara).locator(".swipe-count"), "1/2", "the stored choice");
  });

  await step("edit one's words and continue: the reply gets another swipe", async () => {
    await log(cara).getByRole("button", { name: "Edit your words" }).click();
    const box = cara.getByLabel("Edit text");
    await box.fill("Where are we going tomorrow?");
    await log(cara).getByRole("button", { name: "Save and continue" }).click();
    await expectText(log(cara).locator(".msg.mine .bubble"), "Where are we going tomorrow?", "the edited words");
    await expectText(log(cara).locator(".swipe-count"), "3/3", "a third take");
    await expectText(replies(cara).last().locator(".bubble"), "tomorrow", "a reply to the edited words");
    await audit(cara, "a companion's swipes");
  });

  await step("a new chat, renamed; the first one is still there", async () => {
    await cara.getByRole("button", { name: "New chat" }).click();
    await cara.waitForFunction(() => document.querySelectorAll("#companion-chat option").length === 2, null, { timeout: STEP_MS });
    await cara.waitForFunction(() => document.querySelectorAll("#log .msg").length === 1, null, { timeout: STEP_MS });
    await send(cara, "A fresh start");
    await replyDone(cara, 2);
    await cara.getByRole("button", { name: "Rename" }).click();
    await cara.getByLabel("Rename to").fill("Fresh start");
    await cara.getByLabel("Rename to").press("Enter");
    await cara.waitForFunction(() => document.querySelector("#companion-chat")?.selectedOptions[0]?.textContent === "Fresh start",
      null, { timeout: STEP_MS });
    const first = await cara.locator("#companion-chat option").nth(1).getAttribute("value");
    await cara.locator("#companion-chat").selectOption(first);
    await expectText(log(cara).locator(".msg.mine .bubble"), "Where are we going tomorrow?", "the first chat");
  });

  await step("a persona chosen for the chat, and the memory panel", async () => {
    await cara.getByRole("button", { name: "Personas" }).click();
    await cara.getByLabel("Called").fill("Captain Cara");
    await cara.getByLabel("About this persona").fill("the captain of the Nexus");
    await cara.getByRole("button", { name: "Add persona" }).click();
    await expectText(cara.locator(".persona-list li"), "Captain Cara", "the new persona");
    await cara.locator("#companion-persona").selectOption({ label: "Captain Cara" });
    await cara.waitForFunction(() => document.querySelector("#companion-persona")?.selectedOptions[0]?.textContent === "Captain Cara",
      null, { timeout: STEP_MS });
    await cara.getByRole("button", { name: "Memory" }).click();
    await cara.getByLabel("Pinned facts, one a line").fill("The ship's cat is called Pixel");
    await cara.getByRole("button", { name: "Save memory" }).click();
    await audit(cara, "the memory panel", { screenshot: "companion-memory-dark" });
    await cara.reload();
    await cara.locator("#connection", { hasText: "Online" }).waitFor({ timeout: STEP_MS });
    await openMira(cara);
    await cara.getByRole("button", { name: "Memory" }).click();
    const pins = cara.getByLabel("Pinned facts, one a line");
    await cara.waitForFunction(() => document.querySelector("#memory-pins")?.value.includes("Pixel"), null, { timeout: STEP_MS });
    if (!(await pins.inputValue()).includes("Pixel")) throw new Error("the pinned fact was not kept");
    await cara.waitForFunction(() => document.querySelector("#companion-persona")?.selectedOptions[0]?.textContent === "Captain Cara",
      null, { timeout: STEP_MS });
  });

  await step("the same account on a phone: the chats are there, the bar fits, the arrows are big enough", async () => {
    const pocket = await newPerson(browser, "cara on a phone", phone);
    await logIn(pocket);
    await openMira(pocket);
    await pocket.waitForFunction(() => document.querySelectorAll("#companion-chat option").length === 2, null, { timeout: STEP_MS });
    // the most recently active chat opens first on a new device: the other one has the swipes
    const other = await pocket.evaluate(() => [...document.querySelectorAll("#companion-chat option")]
      .find((o) => o.textContent !== "Fresh start").value);
    await pocket.locator("#companion-chat").selectOption(other);
    await expectText(log(pocket).locator(".swipe-count"), "3/3", "the swipes on the phone");
    const overflow = await pocket.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`the page is ${overflow} px wider than a phone`);
    const arrow = await log(pocket).getByRole("button", { name: "Previous reply" }).boundingBox();
    if (!arrow || arrow.width < 44 || arrow.height < 44) throw new Error(`the swipe arrow is too small: ${JSON.stringify(arrow)}`);
    await shot(pocket, "companion-phone");
    await audit(pocket, "a companion on a phone");
    await pocket.keyboard.press("Tab"); // the bar is reachable by keyboard
  });
});
