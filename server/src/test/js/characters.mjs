// Characters people own, in Chromium (run by chat.nexus.companion.CharactersBrowserTest): Ann makes a
// character in the editor and sees its token estimate change as she types, edits it, exports it, chats
// with it, imports a card file, and deletes it after a confirmation; Bob, signed in elsewhere, can neither open her private card
// nor find it in the gallery. The editor passes the axe audit on a desktop and on a phone, and is used from
// the keyboard.
import { readFileSync } from "node:fs";
import { BASE_URL, STEP_MS, expectText, newPerson, phone, run, shot, signInAsGuest, step } from "./kit.mjs";
import { audit } from "./web-client-polish.mjs";

const tag = Math.random().toString(36).slice(2, 8);
const called = `Mira ${tag}`;
const description = "{{char}} keeps the lighthouse and knows every ship by its lights.";

/** The server's estimate: code points / 4, rounded up. */
const estimate = (text) => Math.ceil([...text].length / 4);

/** A REST call from the page, with its signed-in user's token: the status and the body. */
const fetchAs = (page, path) => page.evaluate(async (p) => {
  const token = JSON.parse(localStorage.getItem("nexus.auth")).token;
  const response = await fetch(p, { headers: { authorization: "Bearer " + token } });
  return { status: response.status, body: await response.json().catch(() => null) };
}, path);

async function openMine(page) {
  const menu = page.getByRole("button", { name: "Menu" });
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
  await page.getByRole("button", { name: "My characters" }).click();
  await page.locator("#characters-view").waitFor({ timeout: STEP_MS });
}

async function tokensShown(page) {
  const text = await page.locator("#character-tokens").textContent();
  const found = /About (\d+) tokens/.exec(text);
  if (!found) throw new Error(`no token estimate in "${text}"`);
  return Number(found[1]);
}

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "ann");
  const bob = await newPerson(browser, "bob");
  let id;

  await step("Ann opens My characters and starts a new one from the keyboard", async () => {
    await signInAsGuest(ann, `Ann${tag}`);
    await openMine(ann);
    await ann.getByRole("button", { name: "New character" }).first().focus();
    await ann.keyboard.press("Enter");
    await ann.locator("#character-form").waitFor({ timeout: STEP_MS });
    const focused = await ann.evaluate(() => document.activeElement?.id);
    if (focused !== "character-field-name") throw new Error(`focus is on ${focused}, not the first field`);
  });

  await step("the token estimate follows what she types, as the server counts", async () => {
    await ann.keyboard.type(called);
    await ann.getByLabel("Description").fill(description);
    const first = await tokensShown(ann);
    if (first !== estimate(description)) throw new Error(`estimate ${first}, expected ${estimate(description)}`);
    await ann.getByLabel("Personality").fill("calm, dry humour");
    const second = await tokensShown(ann);
    if (second !== estimate(description + "\n\n" + "calm, dry humour")) throw new Error(`estimate ${second} after typing`);
    await ann.getByLabel("First greeting").fill("Mind the stairs, {{user}}.");
    await ann.getByLabel("Alternate greetings").fill("Another storm.\n---\nYou again?");
    await ann.getByLabel("Tags", { exact: true }).fill(`sea, ${tag}`);
  });

  await step("she saves it: private, in her list", async () => {
    await ann.getByRole("button", { name: "Save" }).click();
    await expectText(ann.locator("#character-status"), "Saved.", "after saving");
    await expectText(ann.locator("#my-characters li"), called, "her list");
    await expectText(ann.locator("#my-characters li", { hasText: called }), "Private", "its visibility");
    const mine = await fetchAs(ann, "/api/characters/mine");
    id = mine.body.characters.find((c) => c.name === called).id;
    const card = (await fetchAs(ann, `/api/characters/${id}`)).body.character.card;
    if (card.spec !== "chara_card_v3") throw new Error("not stored as V3: " + card.spec);
    if (card.data.alternate_greetings.length !== 2) throw new Error("greetings: " + JSON.stringify(card.data.alternate_greetings));
  });

  await step("the editor passes the accessibility audit", async () => {
    await audit(ann, "character editor");
    await shot(ann, "character-editor");
  });

  await step("she edits it: the new text is stored and the estimate follows", async () => {
    await ann.locator("#my-characters").getByRole("button", { name: called }).click();
    await ann.locator("#character-form-title", { hasText: "Edit " + called }).waitFor({ timeout: STEP_MS });
    const longer = description + " She hums old songs.";
    await ann.getByLabel("Description").fill(longer);
    await ann.getByLabel("Personality").fill("");
    if ((await tokensShown(ann)) !== estimate(longer + "\n\n" + "Mind the stairs, {{user}}.")) throw new Error("estimate after edit");
    await ann.getByRole("button", { name: "Save" }).click();
    await expectText(ann.locator("#character-status"), "Saved.", "after editing");
    const card = (await fetchAs(ann, `/api/characters/${id}`)).body.character.card;
    if (card.data.description !== longer) throw new Error("description not saved: " + card.data.description);
  });

  await step("she exports it as V3 JSON and as a PNG", async () => {
    const [json] = await Promise.all([ann.waitForEvent("download"), ann.getByRole("button", { name: "Export JSON" }).click()]);
    const exported = JSON.parse(readFileSync(await json.path(), "utf8"));
    if (exported.spec !== "chara_card_v3" || exported.data.name !== called) throw new Error("export: " + exported.spec);
    const [png] = await Promise.all([ann.waitForEvent("download"), ann.getByRole("button", { name: "Export PNG" }).click()]);
    const bytes = readFileSync(await png.path());
    if (bytes.subarray(1, 4).toString() !== "PNG" || !bytes.includes("ccv3") || !bytes.includes("chara")) {
      throw new Error("the PNG export carries no cards");
    }
  });

  await step("she opens a chat with her private character: its greeting comes first", async () => {
    await ann.getByRole("button", { name: "Open a chat" }).click();
    await ann.locator("#chat-title", { hasText: called }).waitFor({ timeout: STEP_MS });
    await expectText(ann.locator("#log li"), `Mind the stairs, Ann${tag}.`, "the greeting");
    await openMine(ann);
  });

  await step("Bob can neither open Ann's private card nor find it", async () => {
    await signInAsGuest(bob, `Bob${tag}`);
    const got = await fetchAs(bob, `/api/characters/${id}`);
    if (got.status !== 404) throw new Error(`Bob got ${got.status} for a private card`);
    await bob.getByRole("button", { name: "Gallery" }).click();
    await bob.getByLabel("Search companions").fill(tag);
    await bob.getByLabel("Search companions").press("Enter");
    await expectText(bob.locator("#gallery-state"), "No companion found.", "Bob's search");
  });

  await step("Ann imports a V1 card file; it is private and opens in the editor", async () => {
    const v1 = { name: `Ferry ${tag}`, description: "Runs the night ferry.", personality: "", scenario: "",
      first_mes: "Tickets.", mes_example: "" };
    await ann.locator("#character-import").setInputFiles({ name: "ferry.json", mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(v1)) });
    await ann.locator("#character-form-title", { hasText: `Edit Ferry ${tag}` }).waitFor({ timeout: STEP_MS });
    await expectText(ann.locator("#my-characters li", { hasText: `Ferry ${tag}` }), "Private", "the import");
  });

  await step("Ann deletes her character after confirming; it leaves her list", async () => {
    await ann.locator("#my-characters").getByRole("button", { name: called }).click();
    await ann.locator("#character-form-title", { hasText: "Edit " + called }).waitFor({ timeout: STEP_MS });
    await ann.getByRole("button", { name: "Delete", exact: true }).click();
    await expectText(ann.locator("#character-delete-text"), called, "the question");
    await ann.getByRole("button", { name: "Keep it" }).click();
    if (!(await ann.locator("#character-delete-question").isHidden())) throw new Error("Keep it did not close the question");
    await ann.getByRole("button", { name: "Delete", exact: true }).click();
    await ann.getByRole("button", { name: "Delete for good" }).click();
    await expectText(ann.locator("#characters-state"), "Deleted.", "after deleting");
    await ann.locator("#my-characters li", { hasText: called }).waitFor({ state: "detached", timeout: STEP_MS });
    const got = await fetchAs(ann, `/api/characters/${id}`);
    if (got.status !== 404) throw new Error(`a deleted card answered ${got.status}`);
  });

  await step("on a phone the editor fits and passes the audit", async () => {
    const page = await newPerson(browser, "ann's phone", phone);
    await signInAsGuest(page, `Cy${tag}`);
    await openMine(page);
    await page.getByRole("button", { name: "New character" }).first().click();
    await page.getByLabel("Character", { exact: true }).fill("Pocket " + tag);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 390) throw new Error(`the page is ${wide} px wide on a 390 px phone`);
    await audit(page, "character editor on a phone", { screenshot: "character-editor-phone" });
  });
});
