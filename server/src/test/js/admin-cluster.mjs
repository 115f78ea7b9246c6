// One Admin UI connection sees and acts on two nodes sharing Redis; run by
// chat.nexus.cluster.AdminUiAcrossNodesTest:
//   NEXUS_URL=<node one> NEXUS2_URL=<node two> NEXUS_ADMIN_PASSWORD=... node admin-cluster.mjs
// The admin connects to node one, the users to node two. Prints "admin-cluster: ok", or the failed
// check and exits 1.

import assert from "node:assert/strict";
import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const ONE = process.env.NEXUS_URL;
const TWO = process.env.NEXUS2_URL;
const PASSWORD = process.env.NEXUS_ADMIN_PASSWORD;
const ROOM = "cluster-admin-" + Math.random().toString(36).slice(2, 10);
const STEP_MS = 10_000;

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function next(socket, event, test = () => true) {
  return new Promise((resolve) => {
    const listener = (...args) => {
      if (test(...args)) {
        socket.off(event, listener);
        resolve(args);
      }
    };
    socket.on(event, listener);
  });
}

const sockets = [];
function connect(url, auth) {
  const socket = io(url, { auth, transports: ["websocket"], reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

async function user(name) {
  const response = await fetch(TWO + "/api/auth/guest", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const { token } = await response.json();
  const socket = connect(TWO, { token });
  await within(new Promise((resolve) => socket.once("connect", resolve)), name + "'s connection");
  assert.equal((await within(socket.emitWithAck("room:join", { roomId: ROOM }), "room:join")).ok, true);
  return socket;
}

try {
  const bob = await user("Bob");
  const bobId = bob.id;

  const admin = connect(ONE + "/admin", { username: "admin", password: PASSWORD });
  const all = next(admin, "all_sockets");
  const servers = new Set();
  const bothNodes = next(admin, "server_stats", (stats) => servers.add(stats.serverId).size === 2);
  await within(new Promise((resolve) => admin.once("connect", resolve)), "the admin's connection");

  const [sockets2] = await within(all, "all_sockets");
  const seen = sockets2.find((s) => s.id === bobId);
  assert.ok(seen, "a socket of the other node in all_sockets");
  assert.ok(seen.rooms.includes(ROOM), JSON.stringify(seen.rooms));
  assert.match(seen.clientId, /^[0-9a-f]{12}$/);
  assert.equal(seen.transport, "websocket");
  await within(bothNodes, "server_stats from both nodes");

  // news from the other node: a connection, and a leave the admin asked for
  const connected = next(admin, "socket_connected", (s) => s.nsp === "/");
  const joined = next(admin, "room_joined", (nsp, room) => room === ROOM);
  const carl = await user("Carl");
  const carlId = carl.id;
  assert.equal((await within(connected, "socket_connected"))[0].id, carlId);
  assert.equal((await within(joined, "room_joined from the other node"))[2], carlId);
  const left = next(admin, "room_left", (nsp, room, id) => room === ROOM && id === carlId);
  admin.emit("leave", "/", ROOM, carlId);
  await within(left, "room_left from the other node");

  // a disconnect asked on node one reaches the socket on node two
  const gone = new Promise((resolve) => bob.once("disconnect", resolve));
  const told = next(admin, "socket_disconnected", (nsp, id) => id === bobId);
  admin.emit("_disconnect", "/", false, bobId);
  assert.equal(await within(gone, "Bob's disconnect"), "io server disconnect");
  await within(told, "socket_disconnected from the other node");
  console.log("admin-cluster: ok");
} catch (e) {
  console.log("admin-cluster: failed: " + (e.stack ?? e));
  process.exitCode = 1;
} finally {
  sockets.forEach((s) => s.disconnect());
}
