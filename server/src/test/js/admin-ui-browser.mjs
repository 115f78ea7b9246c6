// The official Socket.IO Admin UI (the ui/dist of @socket.io/admin-ui 0.5.1, served from this folder's
// node_modules) in Chromium, driven by playwright-core against a real ChatServer; run by
// chat.nexus.admin.AdminUiBrowserTest:
//   NEXUS_URL=http://127.0.0.1:PORT NEXUS_ADMIN_PASSWORD=... node admin-ui-browser.mjs
// A guest joins a room through socket.io-client; the UI logs in through its form, lists the server,
// the guest's socket and its room, and disconnects the socket with its button. Screenshots go to
// NEXUS_SCREENSHOTS. Prints "admin browser: N passed, 0 failed", or names the failed step and exits 1.

import { createReadStream, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const BASE_URL = process.env.NEXUS_URL;
const PASSWORD = process.env.NEXUS_ADMIN_PASSWORD;
const CHROMIUM = process.env.NEXUS_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.NEXUS_SCREENSHOTS ?? "target/screenshots-admin";
const UI_DIR = path.join(path.dirname(require.resolve("@socket.io/admin-ui/package.json")), "ui", "dist");
const ROOM = "ui-" + Math.random().toString(36).slice(2, 10);
const STEP_MS = 15_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png",
  ".svg": "image/svg+xml", ".map": "application/json" };

mkdirSync(SHOTS, { recursive: true });

let passed = 0;
async function step(name, action) {
  const started = Date.now();
  try {
    await action();
  } catch (e) {
    console.error(`FAILED: ${name}: ${e.stack || e}`);
    throw e;
  }
  passed++;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

/** The UI's static files, as an operator would serve them (any static file server does). */
function serveUi() {
  const server = createServer((request, response) => {
    const file = path.join(UI_DIR, path.normalize(new URL(request.url, "http://x").pathname).replace(/^\/$/, "/index.html"));
    try {
      if (!file.startsWith(UI_DIR) || !statSync(file).isFile()) throw new Error("not found");
      response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const uiServer = await serveUi();
const UI_URL = `http://127.0.0.1:${uiServer.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
let user;
try {
  let userId;
  let serverId;
  await step("a guest joins a room", async () => {
    const response = await fetch(BASE_URL + "/api/auth/guest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Ann" }),
    });
    const { token } = await response.json();
    user = io(BASE_URL, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
    await within(new Promise((resolve, reject) => {
      user.once("connect", resolve);
      user.once("connect_error", reject);
    }), "the guest's connection");
    userId = user.id;
    const joined = await within(user.emitWithAck("room:join", { roomId: ROOM }), "room:join");
    if (!joined.ok) throw new Error("room:join: " + JSON.stringify(joined));
  });

  await step("the node's server id, as an admin client sees it", async () => {
    const admin = io(BASE_URL + "/admin", { auth: { username: "admin", password: PASSWORD }, transports: ["websocket"], forceNew: true });
    serverId = (await within(new Promise((resolve) => admin.once("server_stats", resolve)), "server_stats")).serverId;
    admin.disconnect();
  });

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // offline: the UI's web fonts and icon font come from CDNs; everything else must be local
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);

  await step("the UI logs in through its connection form", async () => {
    await page.goto(UI_URL, { waitUntil: "domcontentloaded" });
    await page.getByLabel("Server URL").fill(BASE_URL);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(PASSWORD + "-wrong");
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByText("Invalid credentials").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "01-invalid-credentials.png") });
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByLabel("Server URL").waitFor({ state: "hidden" });
  });

  await step("the servers page lists this node", async () => {
    await page.goto(UI_URL + "#/servers/");
    await page.getByText(serverId).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "02-servers.png") });
  });

  await step("the sockets page lists the guest's socket", async () => {
    await page.goto(UI_URL + "#/sockets/");
    await page.getByText(userId).first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, "03-sockets.png") });
  });

  await step("the rooms page lists the guest's room", async () => {
    await page.goto(UI_URL + "#/rooms/");
    await page.getByText(ROOM).first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, "04-rooms.png") });
  });

  await step("the socket's page shows its room; its button disconnects the guest", async () => {
    await page.goto(UI_URL + "#/n/" + encodeURIComponent("/") + "/sockets/" + encodeURIComponent(userId));
    await page.getByText(ROOM).first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, "05-socket.png") });
    const gone = new Promise((resolve) => user.once("disconnect", resolve));
    // the Socket section's Status row (the Client section above has one that closes the connection)
    await page.locator("tr", { hasText: "Status" }).locator("button.ml-3:has(.mdi-logout)").click();
    const reason = await within(gone, "the guest's disconnect");
    if (reason !== "io server disconnect") throw new Error("disconnect reason: " + reason);
  });

  console.log(`admin browser: ${passed} passed, 0 failed`);
} catch (e) {
  process.exitCode = 1;
} finally {
  user?.disconnect();
  await browser.close();
  uiServer.close();
}
