// Profiles and uploads in the web client, run by chat.nexus.uploads.ProfilesUploadsBrowserTest:
// Ann (desktop) sets her handle and avatar and sends an image; Bob (phone) sees it inline, her avatar
// and @handle beside her name, opens her profile, and sends a file, which Ann sees as a download link.
import { deflateSync } from "node:zlib";
import { joinRoom, newPerson, phone, run, shot, signInAsGuest, step, STEP_MS } from "./kit.mjs";

const ROOM = "pics-" + Math.random().toString(36).slice(2, 8);
const HANDLE = "ann_" + Math.random().toString(36).slice(2, 8);

/** A PNG of one colour, made here (no image library): signature, IHDR, IDAT, IEND. */
function png(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

async function bigEnough(locator, what) {
  const box = await locator.boundingBox();
  if (!box || box.width < 44 || box.height < 42) throw new Error(`${what} is ${box?.width}x${box?.height}, under 44x44`);
}

await run(async ({ browser }) => {
  const ann = await newPerson(browser, "ann");
  const bob = await newPerson(browser, "bob", phone);

  await step("both sign in as guests and join the room", async () => {
    await signInAsGuest(ann, "Ann");
    await signInAsGuest(bob, "Bob");
    await joinRoom(ann, ROOM);
    await joinRoom(bob, ROOM);
  });

  await step("Ann opens her profile and sets a handle and an avatar", async () => {
    await ann.locator("#me").click();
    await ann.locator("#profile-dialog[open]").waitFor({ timeout: STEP_MS });
    await ann.getByLabel("Handle").fill(HANDLE);
    await ann.locator("#profile-avatar").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(300, 200, [200, 60, 90]) });
    await ann.getByRole("button", { name: "Save" }).click();
    await ann.locator("#profile-error", { hasText: "Saved." }).waitFor({ timeout: STEP_MS });
    await ann.locator("#profile-body", { hasText: "@" + HANDLE }).waitFor({ timeout: STEP_MS });
    await ann.locator("#profile-body img.face.big").waitFor({ timeout: STEP_MS });
    await shot(ann, "ann-profile");
    await ann.locator("#profile-close").click();
  });

  await step("Ann sends an image; Bob sees it inline with her avatar, @handle and the guest tag", async () => {
    await ann.locator("#attach-input").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: png(800, 600, [250, 160, 40]) });
    const image = bob.getByRole("img", { name: "Image: sunset.png" });
    await image.waitFor({ timeout: STEP_MS });
    await bob.waitForFunction(() => [...document.querySelectorAll("img.shot")].some((i) => i.complete && i.naturalWidth > 0),
      null, { timeout: STEP_MS });
    const who = bob.locator(".msg .who", { hasText: "@" + HANDLE }).first();
    await who.waitFor({ timeout: STEP_MS });
    await who.locator(".tag", { hasText: "guest" }).waitFor({ timeout: STEP_MS });
    await who.locator("img.face[src*='/avatar']").waitFor({ timeout: STEP_MS });
    await shot(bob, "bob-sees-image");
  });

  await step("Bob opens Ann's profile from her name (keyboard), on the phone", async () => {
    const who = bob.locator(".msg .who", { hasText: "@" + HANDLE }).first();
    await bigEnough(who, "the name button");
    await who.focus();
    await bob.keyboard.press("Enter");
    await bob.locator("#profile-dialog[open]", { hasText: "@" + HANDLE }).waitFor({ timeout: STEP_MS });
    await bob.locator("#profile-dialog", { hasText: "Guest" }).waitFor({ timeout: STEP_MS });
    if (/null|undefined/.test(await bob.locator("#profile-body").textContent())) throw new Error("the dialog shows null");
    await shot(bob, "bob-sees-ann-profile");
    await bob.keyboard.press("Escape");
    await bob.locator("#profile-dialog[open]").waitFor({ state: "detached", timeout: STEP_MS });
  });

  await step("Bob sends a file from the phone; Ann sees a download link with its name and size", async () => {
    await bigEnough(bob.locator("#attach-button"), "the attach button");
    await bob.getByLabel("Message").fill("the notes");
    await bob.locator("#attach-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("line\n".repeat(400)) });
    const link = ann.getByRole("link", { name: /notes\.txt/ });
    await link.waitFor({ timeout: STEP_MS });
    await ann.locator(".msg", { hasText: "the notes" }).waitFor({ timeout: STEP_MS });
    const text = await link.textContent();
    if (!/2 KB/.test(text)) throw new Error(`the link says "${text}", not the size`);
    await shot(ann, "ann-sees-file");
  });

  await step("an HTML file sent as an image is a download, not an image", async () => {
    await ann.locator("#attach-input").setInputFiles({ name: "trick.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(1)</script></html>") });
    await bob.getByRole("link", { name: /trick\.png/ }).waitFor({ timeout: STEP_MS });
    if (await bob.getByRole("img", { name: "Image: trick.png" }).count()) throw new Error("HTML shown as an image");
  });
});
