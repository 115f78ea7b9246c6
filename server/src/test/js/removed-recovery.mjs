// Run by chat.nexus.chat.RemovedWhileAwayTest: Bob's connection drops, Ann kicks him from her private room
// while he is away, and his client recovers its session (connection state recovery). The recovered socket
// must not be back in the room: Ann's next message must not reach it.
// NEXUS_URL, NEXUS_TOKEN_A (Ann), NEXUS_TOKEN_B (Bob), NEXUS_USER_B (Bob's id), NEXUS_ROOM (a new room
// name). Prints one JSON line; exits 1 on timeout.

import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const require = createRequire(CLIENT_DIR + "package.json");
const { io } = require("socket.io-client");

const env = process.env;
const out = {};
const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: "timed out", ...out }));
  process.exit(1);
}, 60_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const open = (token) => io(env.NEXUS_URL, { auth: { token }, transports: ["websocket"], reconnection: false });
const next = (socket, event) => new Promise((resolve) => socket.once(event, (...args) => resolve(args)));
const call = (socket, event, payload) => socket.timeout(10_000).emitWithAck(event, payload);

const ann = open(env.NEXUS_TOKEN_A);
const bob = open(env.NEXUS_TOKEN_B);
await Promise.all([next(ann, "connect"), next(bob, "connect")]);
const created = await call(ann, "room:create", { name: env.NEXUS_ROOM, visibility: "private" });
const room = created.room.id;
out.setup = [
  created.ok,
  (await call(ann, "room:join", { roomId: room })).ok,
  (await call(ann, "room:invite", { roomId: room, userId: env.NEXUS_USER_B })).ok,
  (await call(bob, "room:join", { roomId: room })).ok,
];
const heard = [];
bob.on("message:new", (message) => heard.push(message.text));
// A client presents the offset of the last event it got: without one there is nothing to recover from.
await call(ann, "message:send", { roomId: room, text: "before" });
while (heard.length === 0) {
  await sleep(10);
}

bob.io.engine.close();
await sleep(500);
out.kick = (await call(ann, "room:kick", { roomId: room, userId: env.NEXUS_USER_B })).ok;

bob.connect();
await next(bob, "connect");
out.recovered = bob.recovered;
await sleep(1_000);
heard.length = 0;
out.sentAfter = (await call(ann, "message:send", { roomId: room, text: "after the kick" })).ok;
await sleep(1_500);
out.heard = heard;

clearTimeout(timer);
ann.close();
bob.close();
console.log(JSON.stringify(out));
process.exit(0);
