// Sends message:send payloads through the official JavaScript client (socket.io-client 4.8), for what the
// Java client cannot send (a lone UTF-16 surrogate: JSON.stringify writes it as a \ud800 escape, OkHttp
// would turn it into "?"). Run by the server's tests:
// NEXUS_URL=... NEXUS_TOKEN=... NEXUS_ROOM=... NEXUS_PAYLOADS='[{"roomId":"r","text":"\ud800"}]' node sends.mjs
// Joins the room, sends each payload in turn and prints one JSON array of the acks; exits 1 (printing
// {"error"}) on any failure or timeout.

import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const STEP_MS = 10_000;
const socket = io(process.env.NEXUS_URL, {
  auth: { token: process.env.NEXUS_TOKEN }, transports: ["websocket"], reconnection: false, forceNew: true,
});
try {
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (e) => reject(new Error("connect_error: " + e.message)));
  });
  const join = await socket.timeout(STEP_MS).emitWithAck("room:join", { roomId: process.env.NEXUS_ROOM });
  if (!join.ok) throw new Error("join: " + JSON.stringify(join));
  const acks = [];
  for (const payload of JSON.parse(process.env.NEXUS_PAYLOADS)) {
    acks.push(await socket.timeout(STEP_MS).emitWithAck("message:send", payload));
  }
  console.log(JSON.stringify(acks));
  socket.close();
} catch (e) {
  console.log(JSON.stringify({ error: String(e) }));
  socket.close();
  process.exit(1);
}
