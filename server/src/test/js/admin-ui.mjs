// The Admin UI's protocol (@socket.io/admin-ui 0.5) spoken by the official JavaScript client against a
// real ChatServer, run by chat.nexus.admin.AdminUiProtocolTest:
//   NEXUS_URL=http://127.0.0.1:PORT NEXUS_ADMIN_PASSWORD=... NEXUS_MODE=development|production|off node admin-ui.mjs
// Prints "admin-ui: ok" at the end; exits 1 with the failed check otherwise.
// socket.io-client comes from the socketio module's test packages (its build runs `npm ci` there).

import assert from "node:assert/strict";
import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const BASE_URL = process.env.NEXUS_URL;
const USER = process.env.NEXUS_ADMIN_USERNAME ?? "admin";
const PASSWORD = process.env.NEXUS_ADMIN_PASSWORD ?? "";
const MODE = process.env.NEXUS_MODE ?? "development";
const ROOM = "admin-" + Math.random().toString(36).slice(2, 10);
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
  assert.equal(response.status, 201, `guest ${name}`);
  return response.json();
}

const sockets = [];

/** Connects and resolves with the socket, or rejects with the connect_error's message. */
function connect(path, auth, transports = ["websocket"]) {
  const socket = io(BASE_URL + path, { auth, transports, reconnection: false, forceNew: true });
  sockets.push(socket);
  const seen = {};
  for (const event of ["session", "config", "all_sockets", "server_stats"]) {
    seen[event] = new Promise((resolve) => socket.once(event, resolve));
  }
  const connected = new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (e) => reject(e));
  });
  return { socket, seen, connected };
}

/** The first `event` whose arguments pass the test. */
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

async function refused(path, auth) {
  const error = await within(
    connect(path, auth).connected.then(
      () => {
        throw new Error(`${path} accepted ${JSON.stringify(Object.keys(auth))}`);
      },
      (e) => e,
    ),
    "connect_error",
  );
  return error.message;
}

try {
  if (MODE === "off") {
    assert.equal(await refused("/admin", { username: USER, password: PASSWORD }), "Invalid namespace");
  } else {
    // a user in a room, seen by the admin
    const ann = await guest("Ann");
    const user = connect("/", { token: ann.token });
    const userSocket = await within(user.connected, "the user's connection");
    const joined = await within(userSocket.emitWithAck("room:join", { roomId: ROOM }), "room:join");
    assert.equal(joined.ok, true);

    // wrong or missing credentials
    assert.equal(await refused("/admin", {}), "invalid credentials");
    assert.equal(await refused("/admin", { username: USER, password: PASSWORD + "x" }), "invalid credentials");

    const admin = connect("/admin", { username: USER, password: PASSWORD });
    const adminSocket = await within(admin.connected, "the admin's connection");
    const sessionId = await within(admin.seen.session, "session");
    assert.match(sessionId, /^[A-Za-z0-9_-]{16,}$/);
    const config = await within(admin.seen.config, "config");
    const stats = await within(admin.seen.server_stats, "server_stats");
    assert.ok(stats.serverId && stats.hostname && stats.pid > 0 && stats.uptime > 0, JSON.stringify(stats));
    assert.ok(stats.clientsCount >= 2, "clientsCount " + stats.clientsCount);
    assert.equal(stats.pollingClientsCount, 0);
    assert.ok(Array.isArray(stats.aggregatedEvents));
    const main = stats.namespaces.find((n) => n.name === "/");
    assert.ok(main && main.socketsCount >= 1, JSON.stringify(stats.namespaces));

    if (MODE === "production") {
      assert.deepEqual(config.supportedFeatures, ["LEAVE", "DISCONNECT", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS"]);
    } else {
      assert.deepEqual(config.supportedFeatures, [
        "LEAVE", "DISCONNECT", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS",
      ]);
      const all = await within(admin.seen.all_sockets, "all_sockets");
      const seen = all.find((s) => s.id === userSocket.id);
      assert.ok(seen, "the user's socket in all_sockets: " + JSON.stringify(all.map((s) => s.id)));
      assert.equal(seen.nsp, "/");
      assert.equal(seen.transport, "websocket");
      assert.match(seen.clientId, /^[0-9a-f]{12}$/);
      assert.ok(seen.rooms.includes(ROOM) && seen.rooms.includes(userSocket.id), JSON.stringify(seen.rooms));
      assert.equal(seen.data.userId, ann.user.id);
      assert.equal(seen.data.session, undefined, "application objects stay private");
      assert.equal(seen.handshake.address, "127.0.0.1");
      assert.equal(seen.handshake.auth, undefined, "no token");
      assert.ok(all.some((s) => s.nsp === "/admin" && s.id === adminSocket.id), "the admin's own socket");

      // an event a client sends, with its arguments (development mode only)
      const received = next(adminSocket, "event_received", (nsp, id, args) => id === userSocket.id && args[0] === "typing");
      await within(userSocket.emitWithAck("typing", { roomId: ROOM, isTyping: true }), "typing ack");
      const [nsp, , args, timestamp] = await within(received, "event_received");
      assert.equal(nsp, "/");
      assert.deepEqual(args, ["typing", { roomId: ROOM, isTyping: true }]);
      assert.ok(!Number.isNaN(Date.parse(timestamp)));

      // leave: the user's socket is out of the room, and may join it again
      const left = next(adminSocket, "room_left", (nsp, room, id) => room === ROOM && id === userSocket.id);
      adminSocket.emit("leave", "/", ROOM, userSocket.id);
      await within(left, "room_left");
      const again = connect("/admin", { sessionId });
      await within(again.connected, "a connection with the session id");
      const afterLeave = (await within(again.seen.all_sockets, "all_sockets")).find((s) => s.id === userSocket.id);
      assert.ok(!afterLeave.rooms.includes(ROOM), JSON.stringify(afterLeave.rooms));
      const rejoined = next(adminSocket, "room_joined", (nsp, room, id) => room === ROOM && id === userSocket.id);
      assert.equal((await within(userSocket.emitWithAck("room:join", { roomId: ROOM }), "room:join")).ok, true);
      await within(rejoined, "room_joined");
    }

    // a socket the admin disconnects is told so, and does not reconnect
    const userSocketId = userSocket.id; // the client forgets it on disconnect
    const gone = new Promise((resolve) => userSocket.once("disconnect", resolve));
    const told =
      MODE === "production" ? Promise.resolve() : next(adminSocket, "socket_disconnected", (nsp, id) => id === userSocketId);
    adminSocket.emit("_disconnect", "/", false, userSocketId);
    assert.equal(await within(gone, "the user's disconnect"), "io server disconnect");
    await within(told, "socket_disconnected");

    // an unknown namespace is not created by asking
    adminSocket.emit("_disconnect", "/nowhere", false);
    const later = await within(next(adminSocket, "server_stats"), "server_stats");
    assert.ok(!later[0].namespaces.some((n) => n.name === "/nowhere"));

    // failed attempts per address: past the limit even the right password is refused for a minute
    const failures = [];
    for (let i = 0; i < 10; i++) {
      failures.push(await refused("/admin", { username: USER, password: "wrong" }));
    }
    assert.ok(failures.every((m) => m === "invalid credentials" || m.startsWith("too many")), failures.join());
    assert.match(await refused("/admin", { username: USER, password: PASSWORD }), /^too many failed attempts/);
  }
  console.log("admin-ui: ok");
} catch (e) {
  console.log("admin-ui: failed: " + (e.stack ?? e));
  process.exitCode = 1;
} finally {
  sockets.forEach((s) => s.disconnect());
}
