// Run by chat.nexus.usage.UsageBrowserTest: what a companion user reads about failures and quotas. The fake
// upstream answers Ann's first message (7 tokens in, 3 out), fails the second with a 500, answers "Ask
// again"; the daily quota (15 tokens) is then used up, so the next message is refused with the time it
// renews. The profile dialog shows today's tokens against the quota.

import { expectText, newPerson, run, send, shot, signInAsGuest, step, STEP_MS } from "./kit.mjs";
import { audit } from "./web-client-polish.mjs";

const log = (page) => page.locator("#log");

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "Ann");

  await step("Ann talks with Mira: the first reply comes", async () => {
    await signInAsGuest(ann, "Ann");
    await ann.getByRole("button", { name: "Gallery" }).click();
    await ann.getByRole("button", { name: "Chat with Mira" }).click();
    await expectText(log(ann).locator(".bubble"), "Welcome aboard", "Mira's greeting");
    await send(ann, "Where are we going?");
    await expectText(log(ann).locator(".msg:not(.mine) .bubble"), "Hello there!", "Mira's reply");
  });

  await step("the upstream fails: Mira's name and plain words, nothing technical", async () => {
    await send(ann, "And after that?");
    const note = log(ann).locator("li.note", { hasText: "can't answer right now" });
    await note.waitFor({ timeout: STEP_MS });
    const text = await note.textContent();
    if (!text.startsWith("Mira can't answer right now — the AI service is having trouble. Try again in a minute.")) {
      throw new Error(`the note says "${text}"`);
    }
    if (/127\.0\.0\.1|Exception|upstream|LLM|\b500\b/.test(text)) throw new Error(`technical words in "${text}"`);
    if (text.includes("could not finish")) throw new Error(`the name is said twice: "${text}"`);
    await shot(ann, "01-failure-in-words");
    await audit(ann, "a failed companion reply");
    await note.getByRole("button", { name: "Ask again" }).click();
    await note.waitFor({ state: "detached", timeout: STEP_MS });
    await expectText(log(ann).locator(".msg:not(.mine) .bubble"), "Hello there!", "the reply asked again");
  });

  await step("the daily quota is used up: the message is refused with when it renews", async () => {
    await send(ann, "One more thing");
    const refused = log(ann).locator(".msg.mine", { hasText: "One more thing" }).locator(".retry");
    await refused.waitFor({ timeout: STEP_MS });
    const text = await refused.textContent();
    if (!text.includes("today's companion allowance (15 tokens)") || !text.includes("your time:")) {
      throw new Error(`the refusal says "${text}"`);
    }
    await shot(ann, "02-quota-exceeded");
    await audit(ann, "a refused companion message");
  });

  await step("the profile dialog shows today's companion use against the quota", async () => {
    await ann.locator("#me").click();
    const dialog = ann.getByRole("dialog");
    await expectText(dialog.locator("#usage-today"), "20 tokens of 15", "today's use");
    await shot(ann, "03-profile-usage");
    await audit(ann, "the profile dialog with usage");
  });
});
