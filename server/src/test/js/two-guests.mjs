// Two guests chatting through the official JavaScript client (socket.io-client 4.8), run by
// chat.nexus.chat.NodeClientTest against a real ChatServer: NEXUS_URL=http://127.0.0.1:PORT node two-guests.mjs
// Prints one JSON object with what each side saw; exits 1 (printing {"error"}) on any failure or timeout.
// socket.io-client comes from the socketio module's test packages (its build runs `npm ci` there).

import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const BASE_URL = process.env.NEXUS_URL;
const ROOM = process.env.NEXUS_ROOM ?? "lobby";
const STEP_MS = 10_000;

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function guest(name) {
  const response = await fetch(BASE_URL + "/api/auth/guest", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) {
    throw new Error(`guest ${name}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

function connect(token, transports) {
  const socket = io(BASE_URL, { auth: { token }, transports, reconnection: false, forceNew: true });
  const connected = new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (e) => reject(new Error("connect_error: " + e.message)));
  });
  return { socket, connected };
}

/** Resolves with the first message:new whose text is the given one. */
function nextMessage(socket, text) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message.text === text) {
        socket.off("message:new", listener);
        resolve(message);
      }
    };
    socket.on("message:new", listener);
  });
}

const sockets = [];
try {
  const [ann, bob] = [await guest("Ann"), await guest("Bob")];
  const a = connect(ann.token, ["websocket"]);
  const b = connect(bob.token, ["polling", "websocket"]);
  sockets.push(a.socket, b.socket);
  await within(Promise.all([a.connected, b.connected]), "both sockets to connect");

  const heard = { ann: [], bob: [] };
  a.socket.on("message:new", (m) => heard.ann.push(m.text));
  b.socket.on("message:new", (m) => heard.bob.push(m.text));
  const bobSeesAnn = [];
  a.socket.on("presence", (p) => bobSeesAnn.push(p));

  const joinA = await within(a.socket.emitWithAck("room:join", { roomId: ROOM }), "ann's join");
  const joinB = await within(b.socket.emitWithAck("room:join", { roomId: ROOM }), "bob's join");

  const toBob = nextMessage(b.socket, "hi Bob");
  const ackA = await within(a.socket.emitWithAck("message:send", { roomId: ROOM, text: "hi Bob", clientId: "node-1" }), "ann's ack");
  const receivedByBob = await within(toBob, "bob to hear ann");

  const toAnn = nextMessage(a.socket, "hi Ann");
  const ackB = await within(b.socket.emitWithAck("message:send", { roomId: ROOM, text: "hi Ann" }), "bob's ack");
  const receivedByAnn = await within(toAnn, "ann to hear bob");

  const history = await within(b.socket.emitWithAck("history", { roomId: ROOM, limit: 10 }), "history");
  const notAnObject = await within(a.socket.emitWithAck("message:send", "hi"), "the ack of a bad payload");

  console.log(JSON.stringify({
    ann: ann.user, bob: bob.user, joinA, joinB, ackA, ackB, receivedByBob, receivedByAnn, history, notAnObject, heard,
    presenceHeardByAnn: bobSeesAnn, transports: { ann: a.socket.io.engine.transport.name, bob: b.socket.io.engine.transport.name },
  }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
  process.exitCode = 1;
} finally {
  sockets.forEach((s) => s.close());
}
