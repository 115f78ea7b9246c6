// Run by chat.nexus.auth.SessionLifeTest: the official JavaScript client through a token's expiry on an
// open socket and through connection state recovery with another user's token, or none (and then a
// valid one again).
// NEXUS_URL, NEXUS_ROOM, NEXUS_TOKEN_SHORT (user A, expires soon; NEXUS_SHORT_EXP its exp in epoch
// seconds), NEXUS_TOKEN_A (user A again, fresh), NEXUS_TOKEN_B (user B). Prints one JSON line; exits 1 on
// timeout.

import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const env = process.env;
const out = {};
const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: "timed out", ...out }));
  process.exit(1);
}, 60_000);

let token = env.NEXUS_TOKEN_SHORT;
const socket = io(env.NEXUS_URL, {
  auth: (cb) => cb(token === undefined ? {} : { token }),
  transports: ["websocket"],
  reconnectionDelay: 100,
  reconnectionDelayMax: 200,
});
const next = (event) => new Promise((resolve) => socket.once(event, (...args) => resolve(args)));
const send = (text) => socket.timeout(10_000).emitWithAck("message:send", { roomId: env.NEXUS_ROOM, text });

await next("connect");
out.firstId = socket.id;
out.join = await socket.timeout(10_000).emitWithAck("room:join", { roomId: env.NEXUS_ROOM });

// 1. The token expires: the server says so, closes the connection, and the client comes back by itself
//    with the fresh token it is given meanwhile, into the same session.
const disconnected = next("disconnect");
const [expired] = await next("token:expired");
out.expired = expired;
out.expiredAfterExpMs = Date.now() - Number(env.NEXUS_SHORT_EXP) * 1000;
token = env.NEXUS_TOKEN_A;
[out.disconnectReason] = await disconnected;
await next("connect");
out.afterExpiry = { id: socket.id, recovered: socket.recovered, send: await send("back with a fresh token") };

// 2. Another user's token with this session's recovery id: a new session, not this one.
token = env.NEXUS_TOKEN_B;
socket.io.engine.close();
await next("connect");
out.otherUser = { id: socket.id, recovered: socket.recovered, send: await send("not my room") };

// 3. No token at all: recovery is no way around authentication.
token = undefined;
socket.io.engine.close();
const [error] = await next("connect_error");
out.noToken = error.message;

// 4. The refused attempt did not cost the session: with a valid token it is recovered.
token = env.NEXUS_TOKEN_B;
socket.connect();
await next("connect");
out.afterRefusal = { id: socket.id, recovered: socket.recovered };

clearTimeout(timer);
socket.close();
console.log(JSON.stringify(out));
process.exit(0);
