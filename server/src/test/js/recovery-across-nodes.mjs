// Run by chat.nexus.cluster.RecoveryAcrossNodesTest: the official JavaScript client loses its connection
// to one chat server and reconnects to another (as a load balancer would send it), with the streams
// adapter: it recovers its session there, with the message sent to its room while it was away.
// NEXUS_URL, NEXUS2_URL, NEXUS_ROOM, NEXUS_TOKEN_A (user A), NEXUS_TOKEN_B (user B), REDIS_URL. Prints one
// JSON line; exits 1 on timeout.

import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const require = createRequire(CLIENT_DIR + "package.json");
const { io } = require("socket.io-client");
const { createClient } = require("redis");

const env = process.env;
const out = {};
const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: "timed out", ...out }));
  process.exit(1);
}, 60_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function open(url, token) {
  return io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
}
const next = (socket, event) => new Promise((resolve) => socket.once(event, (...args) => resolve(args)));
const join = (socket) => socket.timeout(10_000).emitWithAck("room:join", { roomId: env.NEXUS_ROOM });
const send = (socket, text) => socket.timeout(10_000).emitWithAck("message:send", { roomId: env.NEXUS_ROOM, text });

const redis = createClient({ url: env.REDIS_URL });
await redis.connect();
const ann = open(env.NEXUS_URL, env.NEXUS_TOKEN_A);
const bob = open(env.NEXUS2_URL, env.NEXUS_TOKEN_B);
await Promise.all([next(ann, "connect"), next(bob, "connect")]);
out.firstId = ann.id;
out.joins = [(await join(ann)).ok, (await join(bob)).ok];
const heard = [];
ann.on("message:new", (message) => heard.push(message.text));
// A client presents the offset of the last event it got: without one there is nothing to recover from.
await send(bob, "before");
while (heard.length === 0) {
  await sleep(10);
}
heard.length = 0;

// Ann's connection drops; her node keeps her session in Redis.
const pid = ann._pid;
ann.io.engine.close();
while ((await redis.exists("sio:session:" + pid)) !== 1) {
  await sleep(10);
}
out.sentWhileAway = (await send(bob, "while you were away")).ok;

// She comes back through the other node.
ann.io.uri = env.NEXUS2_URL;
ann.connect();
await next(ann, "connect");
out.back = { id: ann.id, recovered: ann.recovered };
// missed messages come right after the connection, and only to a recovered session
const deadline = Date.now() + (ann.recovered ? 10_000 : 500);
while (heard.length === 0 && Date.now() < deadline) {
  await sleep(10);
}
out.heard = heard;
out.sendAfter = (await send(ann, "back")).ok;

clearTimeout(timer);
ann.close();
bob.close();
await redis.quit();
console.log(JSON.stringify(out));
process.exit(0);
