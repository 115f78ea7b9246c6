// Interop scenarios: the official socket.io-client (pinned in package.json) against the Nexus server.
//
// Run by NodeClientInteropTest (mvn -pl socketio test), which starts InteropApp and passes its base URL
// in NEXUS_URL. By hand: `npm ci` here, then NEXUS_URL=http://127.0.0.1:PORT node --test interop.test.mjs
// The server's behaviour is the contract in the Javadoc of
// src/test/java/chat/nexus/socketio/testing/InteropApp.java.
//
// Every scenario bounds each wait (STEP_MS), has an overall timeout, and closes all of its clients.
// With connection state recovery on, every event the server emits carries its offset as an extra LAST
// argument (the client passes it to handlers), so assertions look at the leading arguments only.

import { test } from "node:test";
import assert from "node:assert/strict";
import { io, Manager } from "socket.io-client";
import { Inbox, QUIET_MS, sleep, STEP_MS, until, within } from "./helpers.mjs";

const BASE_URL = process.env.NEXUS_URL;
if (!BASE_URL) {
  throw new Error("NEXUS_URL is not set: the base URL of a running InteropApp, e.g. http://127.0.0.1:PORT");
}

/** Overall limit of one scenario. */
const SCENARIO_MS = 45_000;
/** The server's ack timeout for "question" (InteropApp). */
const SERVER_ACK_TIMEOUT_MS = 2_000;
/** Fast reconnection for the scenarios where the client reconnects by itself. */
const FAST_RECONNECT = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 };

const TRANSPORTS = ["websocket", "polling"];

/** One scenario's clients: created through it, all closed when the scenario ends, pass or fail. */
class Clients {
  constructor() {
    this.sockets = [];
    this.managers = [];
    this.started = Date.now();
    this.trace = [];
  }

  /** A client with its own connection (forceNew); no reconnection unless the options ask for it. */
  socket(nsp = "/", options = {}) {
    const socket = io(BASE_URL + nsp, { forceNew: true, reconnection: false, ...options });
    this.sockets.push(socket);
    this.traceManager(socket.io, `client ${this.sockets.length + this.managers.length}`);
    return socket;
  }

  /** A Manager (one connection) for multiplexing several namespaces. */
  manager(options = {}) {
    const manager = new Manager(BASE_URL, { reconnection: false, ...options });
    this.managers.push(manager);
    this.traceManager(manager, `client ${this.sockets.length + this.managers.length}`);
    return manager;
  }

  /** Records the Engine.IO packets of each of the manager's connections, shown when the scenario fails. */
  traceManager(manager, label) {
    const note = (text) => this.trace.push(`${String(Date.now() - this.started).padStart(6)} ms ${label} ${text}`);
    const traceEngine = (engine) => {
      if (!engine || engine.nexusTraced) {
        return;
      }
      engine.nexusTraced = true;
      const show = (packet) => {
        const data = packet.data;
        const text = typeof data === "string" ? data.slice(0, 80) : data == null ? "" : `<${data.length ?? data.byteLength} bytes>`;
        return `${packet.type} ${text}`;
      };
      engine.on("packet", (packet) => note(`<- ${engine.transport?.name} ${show(packet)}`));
      engine.on("packetCreate", (packet) => note(`-> ${engine.transport?.name} ${show(packet)}`));
      engine.on("upgrade", (transport) => note(`upgraded to ${transport.name}`));
      engine.on("close", (reason, description) => note(`engine closed: ${reason} ${description?.message ?? description?.description ?? ""}`));
    };
    traceEngine(manager.engine);
    manager.on("open", () => traceEngine(manager.engine));
    manager.on("reconnect_attempt", (n) => note(`reconnect attempt ${n}`));
    manager.on("error", (error) => note(`manager error: ${error?.message}`));
  }

  /** A client on "/" that has connected and got its "welcome"; returns [socket, welcome]. */
  async connected(options = {}, nsp = "/") {
    const socket = this.socket(nsp, options);
    const welcome = new Inbox(socket, "welcome");
    const [payload] = await welcome.next();
    assert.equal(socket.connected, true, "connected when welcome arrives");
    return [socket, payload];
  }

  close() {
    for (const socket of this.sockets) {
      socket.io.reconnection(false);
      socket.disconnect();
      socket.io.engine?.close();
    }
    for (const manager of this.managers) {
      manager.reconnection(false);
      for (const socket of Object.values(manager.nsps)) {
        socket.disconnect();
      }
      manager.engine?.close();
    }
  }
}

/** A test with an overall timeout and a Clients that is always closed. */
function scenario(name, body) {
  test(name, { timeout: SCENARIO_MS }, async (t) => {
    const clients = new Clients();
    try {
      await body(clients, t);
    } catch (error) {
      // What each client sent and got, to tell a server that did not answer from one that answered late.
      const trace = clients.trace.slice(-120).join("\n");
      if (error instanceof Error && trace) {
        error.message += `\n--- client trace (ms since the scenario started, last ${Math.min(120, clients.trace.length)}) ---\n${trace}`;
      }
      throw error;
    } finally {
      clients.close();
    }
  });
}

/** Waits for connect_error and fails on connect; returns the error. */
function connectError(socket) {
  return within(
    new Promise((resolve, reject) => {
      socket.once("connect_error", resolve);
      socket.once("connect", () => reject(new Error(`expected connect_error, but connected as ${socket.id}`)));
    }),
    STEP_MS,
    "connect_error",
  );
}

/** Asserts that value holds exactly these bytes (a Buffer, Uint8Array or ArrayBuffer). */
function assertBytes(value, expected, what) {
  assert.ok(
    value instanceof Uint8Array || value instanceof ArrayBuffer,
    `${what}: expected binary, got ${Object.prototype.toString.call(value)} ${JSON.stringify(value)}`,
  );
  const actual = Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value);
  assert.ok(actual.equals(Buffer.from(expected)), `${what}: bytes differ (got ${actual.length}, expected ${expected.length})`);
}

/** A server-side reason recorded by InteropApp for a socket id ("last-reason"), asked through socket. */
async function lastReason(socket, id) {
  return socket.timeout(STEP_MS).emitWithAck("last-reason", id);
}

/** Polls "last-reason" until the server has recorded a reason for id. */
async function awaitLastReason(socket, id) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const reason = await lastReason(socket, id);
    if (reason != null || Date.now() > deadline) {
      return reason;
    }
    await sleep(20);
  }
}

const uniqueRoom = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

// ---- transports ----

for (const transport of TRANSPORTS) {
  scenario(`${transport} only: connect, welcome, echo`, async (clients) => {
    const [socket, welcome] = await clients.connected({ transports: [transport] });
    assert.equal(welcome.id, socket.id);
    assert.equal(welcome.transport, transport);
    assert.equal(welcome.recovered, false);
    assert.deepEqual(welcome.auth, {});

    const echo = new Inbox(socket, "echo-back");
    socket.emit("echo", "hello", 42, { a: [1, true, null, "é✓😀"] });
    const args = await echo.next();
    assert.deepEqual(args.slice(0, 3), ["hello", 42, { a: [1, true, null, "é✓😀"] }]);
    assert.equal(socket.io.engine.transport.name, transport);
  });
}

scenario("polling to websocket upgrade", async (clients) => {
  const socket = clients.socket("/");
  const welcome = new Inbox(socket, "welcome");
  // The engine exists as soon as io() returns; the upgrade comes after the polling handshake.
  const upgraded = within(
    new Promise((resolve) => socket.io.engine.once("upgrade", (transport) => resolve(transport.name))),
    STEP_MS,
    "the engine's upgrade event",
  );
  upgraded.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const [hello] = await welcome.next();
  assert.equal(hello.transport, "polling", "the session starts on polling");
  assert.equal(await upgraded, "websocket");
  assert.equal(socket.io.engine.transport.name, "websocket");

  const echo = new Inbox(socket, "echo-back");
  socket.emit("echo", "after upgrade");
  assert.equal((await echo.next())[0], "after upgrade");
  assert.equal(await socket.timeout(STEP_MS).emitWithAck("ack-me", "ok"), "ok");
});

scenario("polling to websocket upgrade: no event lost or reordered across the switch", async (clients, t) => {
  const socket = clients.socket("/");
  const welcome = new Inbox(socket, "welcome");
  const upgraded = within(
    new Promise((resolve) => socket.io.engine.once("upgrade", (transport) => resolve(transport.name))),
    STEP_MS,
    "the engine's upgrade event",
  );
  upgraded.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  await welcome.next();
  const received = [];
  socket.on("echo-back", (n) => received.push(n));
  const count = 300;
  let sentDuringUpgrade = 0;
  for (let n = 0; n < count; n++) {
    socket.emit("echo", n);
    if (socket.io.engine.upgrading) {
      sentDuringUpgrade++;
    }
    await sleep(n % 10 === 0 ? 2 : 0);
  }
  assert.equal(await upgraded, "websocket");
  const deadline = Date.now() + STEP_MS;
  while (received.length < count && Date.now() < deadline) {
    await sleep(20);
  }
  assert.deepEqual(received, Array.from({ length: count }, (_, n) => n), "every echo-back, in order");
  t.diagnostic(`${sentDuringUpgrade} of ${count} events were emitted while the engine was upgrading`);
});

// ---- acknowledgements ----

scenario("acks: client emitWithAck, server answers with the same args", async (clients) => {
  const [socket] = await clients.connected();
  assert.deepEqual(await socket.timeout(STEP_MS).emitWithAck("ack-me", { x: 1, y: ["z"] }), { x: 1, y: ["z"] });
  assert.deepEqual(await socket.emitWithAck("ack-me", "plain"), "plain");

  const all = await within(
    new Promise((resolve) => socket.emit("ack-me", 1, "two", [3], { four: 4 }, null, (...args) => resolve(args))),
    STEP_MS,
    "the ack of ack-me",
  );
  assert.deepEqual(all, [1, "two", [3], { four: 4 }, null]);
});

scenario("acks: server asks, client answers", async (clients) => {
  const [socket] = await clients.connected();
  const questions = [];
  socket.on("question", (value, callback) => {
    questions.push(value);
    callback(`re:${value}`, 7);
  });
  const answer = new Inbox(socket, "answer");
  const timedOut = new Inbox(socket, "answer-timeout");
  socket.emit("ask-me", "q1");
  const args = await answer.next();
  assert.deepEqual(args.slice(0, 2), ["re:q1", 7]);
  assert.deepEqual(questions, ["q1"]);
  await timedOut.none();
});

scenario("acks: server asks, client does not answer -> answer-timeout", async (clients) => {
  const [socket] = await clients.connected();
  const questions = new Inbox(socket, "question");
  const answer = new Inbox(socket, "answer");
  const timedOut = new Inbox(socket, "answer-timeout");
  const asked = Date.now();
  socket.emit("ask-me", "silent");
  const [value, callback] = await questions.next();
  assert.equal(value, "silent");
  assert.equal(typeof callback, "function", "the server's event asks for an ack");
  const [message] = await timedOut.next(SERVER_ACK_TIMEOUT_MS + STEP_MS);
  assert.equal(typeof message, "string");
  assert.match(message, /time/i);
  assert.ok(Date.now() - asked >= SERVER_ACK_TIMEOUT_MS - 100, "not before the server's 2 s ack timeout");
  assert.deepEqual(answer.items, []);
});

// ---- rooms ----

scenario("rooms: to-room, broadcast-except-me, leave, outsiders", async (clients) => {
  const room = uniqueRoom("room");
  const [a] = await clients.connected();
  const [b] = await clients.connected();
  const [outsider] = await clients.connected();
  const inboxA = new Inbox(a, "room-msg");
  const inboxB = new Inbox(b, "room-msg");
  const inboxOut = new Inbox(outsider, "room-msg");

  assert.deepEqual(await within(new Promise((r) => a.emit("join", room, (...args) => r(args))), STEP_MS, "join ack"), ["joined", room]);
  assert.deepEqual(await within(new Promise((r) => b.emit("join", room, (...args) => r(args))), STEP_MS, "join ack"), ["joined", room]);

  // Sent by a client outside the room: both members get it, the sender does not.
  assert.equal(await outsider.timeout(STEP_MS).emitWithAck("to-room", room, "m1"), "sent");
  assert.equal((await inboxA.next())[0], "m1");
  assert.equal((await inboxB.next())[0], "m1");
  await inboxOut.none(QUIET_MS, "room-msg to a client outside the room");

  // to-room from a member reaches the sender too.
  assert.equal(await a.timeout(STEP_MS).emitWithAck("to-room", room, "m2"), "sent");
  assert.equal((await inboxA.next())[0], "m2");
  assert.equal((await inboxB.next())[0], "m2");

  // broadcast-except-me: the other member only.
  assert.equal(await a.timeout(STEP_MS).emitWithAck("broadcast-except-me", room, "m3"), "sent");
  assert.equal((await inboxB.next())[0], "m3");
  await inboxA.none(QUIET_MS, "room-msg to the sender of broadcast-except-me");

  // After leave, b gets nothing more.
  assert.deepEqual(await within(new Promise((r) => b.emit("leave", room, (...args) => r(args))), STEP_MS, "leave ack"), ["left", room]);
  assert.equal(await outsider.timeout(STEP_MS).emitWithAck("to-room", room, "m4"), "sent");
  assert.equal((await inboxA.next())[0], "m4");
  await inboxB.none(QUIET_MS, "room-msg after leave");
  await inboxOut.none(0, "room-msg to a client outside the room");
});

// ---- binary ----

for (const transport of TRANSPORTS) {
  scenario(`binary over ${transport}: echo, acks and answers keep the bytes`, async (clients) => {
    const [socket] = await clients.connected({ transports: [transport] });
    const small = Buffer.from([0, 1, 2, 127, 128, 200, 254, 255]);
    const u8 = new Uint8Array([9, 8, 7, 0, 0xff]);
    const big = Buffer.alloc(70_000); // over 65,535 bytes: the websocket frame's 8-byte length form
    for (let i = 0; i < big.length; i++) {
      big[i] = (i * 31 + 7) & 0xff;
    }

    const echo = new Inbox(socket, "echo-back");
    socket.emit("echo", small, { nested: { bin: u8, list: [Buffer.from("abc"), 5, "x"] }, text: "t" }, big, "tail");
    const args = await echo.next();
    assertBytes(args[0], small, "echo arg 0");
    assertBytes(args[1].nested.bin, u8, "echo nested Uint8Array");
    assertBytes(args[1].nested.list[0], Buffer.from("abc"), "echo nested list item");
    assert.equal(args[1].nested.list[1], 5);
    assert.equal(args[1].nested.list[2], "x");
    assert.equal(args[1].text, "t");
    assertBytes(args[2], big, "echo big buffer");
    assert.equal(args[3], "tail");

    // Binary in the server's ack.
    const ack = await within(
      new Promise((resolve) => socket.emit("ack-me", small, { b: u8, n: 1 }, (...acked) => resolve(acked))),
      STEP_MS,
      "binary ack",
    );
    assertBytes(ack[0], small, "ack arg 0");
    assertBytes(ack[1].b, u8, "ack nested");
    assert.equal(ack[1].n, 1);

    // Binary in the client's ack to the server, sent back as an event.
    socket.on("question", (value, callback) => callback(Buffer.from([1, 2, 3]), { b: Buffer.from([4]), v: value }));
    const answer = new Inbox(socket, "answer");
    socket.emit("ask-me", "bin");
    const answered = await answer.next();
    assertBytes(answered[0], [1, 2, 3], "answer arg 0");
    assertBytes(answered[1].b, [4], "answer nested");
    assert.equal(answered[1].v, "bin");
    assert.equal(socket.io.engine.transport.name, transport);
  });
}

// ---- namespaces ----

scenario("namespaces: /admin with role admin is accepted", async (clients) => {
  const [socket, welcome] = await clients.connected({ auth: { role: "admin" } }, "/admin");
  assert.deepEqual(welcome, { namespace: "/admin" });
  const echo = new Inbox(socket, "echo-back");
  socket.emit("echo", "admin-echo");
  assert.equal((await echo.next())[0], "admin-echo");
});

scenario("namespaces: /admin without role admin is refused with forbidden", async (clients) => {
  const error = await connectError(clients.socket("/admin", { auth: { role: "user" } }));
  assert.equal(error.message, "forbidden");
  const noAuth = await connectError(clients.socket("/admin"));
  assert.equal(noAuth.message, "forbidden");
});

scenario("namespaces: dynamic /dyn-42 is accepted", async (clients) => {
  const [socket, welcome] = await clients.connected({}, "/dyn-42");
  assert.deepEqual(welcome, { namespace: "/dyn-42" });
  assert.deepEqual(await socket.timeout(STEP_MS).emitWithAck("ack-me", "dyn"), "dyn");
});

scenario("namespaces: unknown /nope gets Invalid namespace", async (clients) => {
  const error = await connectError(clients.socket("/nope"));
  assert.equal(error.message, "Invalid namespace");
});

scenario("namespaces: / and /admin multiplexed on one connection", async (clients) => {
  const manager = clients.manager();
  const main = manager.socket("/");
  const admin = manager.socket("/admin", { auth: { role: "admin" } });
  const dyn = manager.socket("/dyn-7");
  const [[mainWelcome], [adminWelcome], [dynWelcome]] = await Promise.all([
    new Inbox(main, "welcome").next(),
    new Inbox(admin, "welcome").next(),
    new Inbox(dyn, "welcome").next(),
  ]);
  assert.equal(mainWelcome.id, main.id);
  assert.deepEqual(adminWelcome, { namespace: "/admin" });
  assert.deepEqual(dynWelcome, { namespace: "/dyn-7" });
  assert.equal(main.io, admin.io, "one Manager");
  assert.ok(manager.engine, "one engine");
  assert.equal(Object.keys(manager.nsps).sort().join(","), "/,/admin,/dyn-7");
  assert.notEqual(main.id, admin.id, "a socket per namespace");

  const mainEcho = new Inbox(main, "echo-back");
  const adminEcho = new Inbox(admin, "echo-back");
  const dynEcho = new Inbox(dyn, "echo-back");
  main.emit("echo", "to-main");
  admin.emit("echo", "to-admin");
  dyn.emit("echo", "to-dyn");
  assert.equal((await mainEcho.next())[0], "to-main");
  assert.equal((await adminEcho.next())[0], "to-admin");
  assert.equal((await dynEcho.next())[0], "to-dyn");
  await mainEcho.none(QUIET_MS, "echo-back crossing namespaces");
  await adminEcho.none(0, "echo-back crossing namespaces");
  await dynEcho.none(0, "echo-back crossing namespaces");

  // A namespace refused on the same connection leaves the others alone.
  const refused = await connectError(manager.socket("/nope"));
  assert.equal(refused.message, "Invalid namespace");
  assert.equal(await main.timeout(STEP_MS).emitWithAck("ack-me", "after refusal"), "after refusal");

  // The server disconnecting one namespace keeps the others on the same connection.
  const engine = manager.engine;
  const dynDisconnects = new Inbox(dyn, "disconnect");
  dyn.emit("disconnect-me");
  assert.equal((await dynDisconnects.next())[0], "io server disconnect");
  assert.equal(await main.timeout(STEP_MS).emitWithAck("ack-me", "after dyn"), "after dyn");
  assert.equal(admin.connected, true);

  // So does the client leaving one.
  admin.disconnect();
  assert.equal(await main.timeout(STEP_MS).emitWithAck("ack-me", "still"), "still");
  assert.equal(manager.engine, engine, "the same engine after leaving /admin");
  assert.equal(main.connected, true);
});

// ---- auth ----

scenario("auth: accepted, welcome carries the auth payload", async (clients) => {
  const auth = { token: "good", user: { name: "ann", tags: ["a", "b"] }, n: 3 };
  const [, welcome] = await clients.connected({ auth });
  assert.deepEqual(welcome.auth, auth);
});

scenario("auth: token bad is refused with unauthorized and data", async (clients) => {
  const error = await connectError(clients.socket("/", { auth: { token: "bad" } }));
  assert.equal(error.message, "unauthorized");
  assert.deepEqual(error.data, { reason: "bad token" });
});

// ---- connection state recovery ----

for (const transport of TRANSPORTS) {
  scenario(`recovery over ${transport}: same id, rooms kept, missed room messages replayed`, async (clients) => {
    const room = uniqueRoom("rec");
    // Reconnects 1.5 s after the drop: B's messages are sent while A is away (they take milliseconds).
    const a = clients.socket("/", {
      transports: [transport],
      reconnection: true,
      reconnectionDelay: 1_500,
      reconnectionDelayMax: 1_500,
      randomizationFactor: 0,
    });
    const welcomeA = new Inbox(a, "welcome");
    await welcomeA.next();
    const [b] = await clients.connected();
    const roomA = new Inbox(a, "room-msg");
    const disconnects = new Inbox(a, "disconnect");
    const connects = new Inbox(a, "connect");

    assert.equal(await a.timeout(STEP_MS).emitWithAck("join", room), "joined");
    assert.equal(await b.timeout(STEP_MS).emitWithAck("to-room", room, "before"), "sent");
    assert.equal((await roomA.next())[0], "before");
    const oldId = a.id;

    a.io.engine.close(); // client-side drop: the Manager treats it as a lost transport and reconnects
    const [reason] = await disconnects.next();
    assert.equal(reason, "forced close");
    assert.equal(await awaitLastReason(b, oldId), "transport close", "the server saw the transport close");

    assert.equal(await b.timeout(STEP_MS).emitWithAck("to-room", room, "missed-1"), "sent");
    assert.equal(await b.timeout(STEP_MS).emitWithAck("to-room", room, "missed-2"), "sent");
    assert.equal(connects.items.length, 0, "B's messages were sent while A was away");

    await connects.next(STEP_MS);
    assert.equal(a.recovered, true, "socket.recovered");
    assert.equal(a.id, oldId, "same socket id");
    const [rewelcome] = await welcomeA.next();
    assert.equal(rewelcome.recovered, true);
    assert.equal(rewelcome.id, oldId);

    const replayed = [(await roomA.next())[0], (await roomA.next())[0]];
    assert.deepEqual(replayed, ["missed-1", "missed-2"]);

    // Still in the room after recovery.
    assert.equal(await b.timeout(STEP_MS).emitWithAck("to-room", room, "after"), "sent");
    assert.equal((await roomA.next())[0], "after");
    await roomA.none(QUIET_MS, "room-msg duplicated");
  });
}

// ---- heartbeat ----

for (const transport of TRANSPORTS) {
  scenario(`ping timeout over ${transport}: the server closes a silent client, which reconnects`, async (clients) => {
    const socket = clients.socket("/", { transports: [transport], ...FAST_RECONNECT });
    const welcome = new Inbox(socket, "welcome");
    await welcome.next();
    const disconnects = new Inbox(socket, "disconnect");
    const reconnects = new Inbox(socket.io, "reconnect");
    const oldId = socket.id;

    // Stop answering pings on this engine only (a reconnection makes a new, unpatched engine).
    const engine = socket.io.engine;
    const send = engine._sendPacket;
    assert.equal(typeof send, "function", "engine.io-client internals changed: _sendPacket is gone");
    let pongsDropped = 0;
    engine._sendPacket = function (type, ...rest) {
      if (type === "pong") {
        pongsDropped++;
        return undefined;
      }
      return send.call(this, type, ...rest);
    };
    // Nor give up on the server by itself (its own heartbeat check), so that the server is the one that
    // notices, even on a slow machine.
    assert.equal(typeof engine._resetPingTimeout, "function", "engine.io-client internals changed: _resetPingTimeout is gone");
    engine._resetPingTimeout = function () {
      this.clearTimeoutFn(this._pingTimeoutTimer);
      this._pingTimeoutTime = Infinity;
    };
    engine._resetPingTimeout();

    const [reason] = await disconnects.next(STEP_MS);
    assert.ok(pongsDropped >= 1, "a ping was left unanswered");
    assert.equal(reason, "transport close", "the server closed the connection");
    await reconnects.next(STEP_MS);
    await welcome.next();
    assert.equal(socket.connected, true);
    assert.notEqual(socket.io.engine, engine, "a new engine");
    assert.equal(socket.recovered, true, "a ping timeout is recoverable");
    assert.equal(socket.id, oldId);
    assert.equal(await lastReason(socket, oldId), "ping timeout");
  });
}

// ---- server-side disconnection ----

for (const transport of TRANSPORTS) {
  scenario(`disconnect-me over ${transport}: io server disconnect, no reconnection`, async (clients) => {
    const socket = clients.socket("/", { transports: [transport], ...FAST_RECONNECT });
    const welcome = new Inbox(socket, "welcome");
    await welcome.next();
    const connects = new Inbox(socket, "connect");
    const disconnects = new Inbox(socket, "disconnect");
    const attempts = new Inbox(socket.io, "reconnect_attempt");
    const oldId = socket.id;

    socket.emit("disconnect-me");
    const [reason] = await disconnects.next();
    assert.equal(reason, "io server disconnect");
    await sleep(2_000);
    assert.equal(socket.connected, false);
    assert.deepEqual(connects.items, [], "no new connect");
    assert.deepEqual(attempts.items, [], "no reconnection attempt");

    const [observer] = await clients.connected();
    assert.equal(await lastReason(observer, oldId), "server namespace disconnect");

    // Connecting again by hand gives a fresh session: a server disconnect is not recoverable.
    socket.connect();
    const [again] = await welcome.next();
    assert.equal(again.recovered, false);
    assert.equal(socket.recovered, false);
    assert.notEqual(socket.id, oldId);
    assert.equal(again.id, socket.id);
  });

  scenario(`close-me over ${transport}: the server closes the connection`, async (clients) => {
    const socket = clients.socket("/", { transports: [transport], ...FAST_RECONNECT });
    const welcome = new Inbox(socket, "welcome");
    await welcome.next();
    const connects = new Inbox(socket, "connect");
    const disconnects = new Inbox(socket, "disconnect");
    const managerClosed = new Inbox(socket.io, "close");
    const oldId = socket.id;
    const engine = socket.io.engine;

    socket.emit("close-me");
    const [reason] = await disconnects.next();
    assert.equal(reason, "io server disconnect");
    await managerClosed.next();
    await until(() => engine.readyState === "closed", "the connection to close");
    await sleep(1_000);
    assert.equal(socket.connected, false);
    assert.deepEqual(connects.items, [], "no new connect");

    const [observer] = await clients.connected();
    assert.equal(await lastReason(observer, oldId), "server namespace disconnect");
  });
}

for (const transport of TRANSPORTS) {
  scenario(`close-me over ${transport} right after other events: the disconnect is not lost`, async (clients) => {
    const socket = clients.socket("/", { transports: [transport], ...FAST_RECONNECT });
    const welcome = new Inbox(socket, "welcome");
    await welcome.next();
    const connects = new Inbox(socket, "connect");
    const disconnects = new Inbox(socket, "disconnect");
    const echo = new Inbox(socket, "echo-back");

    // Sent in one tick: over polling they travel in one POST, and the server answers the waiting GET
    // with the echo-backs before it handles close-me, so the DISCONNECT packet has to wait for the
    // client's next GET instead of being dropped with the session.
    socket.emit("echo", "e1");
    socket.emit("echo", "e2");
    socket.emit("close-me");
    assert.equal((await echo.next())[0], "e1");
    assert.equal((await echo.next())[0], "e2");
    const [reason] = await disconnects.next();
    assert.equal(reason, "io server disconnect");
    await sleep(1_000);
    assert.equal(socket.connected, false);
    assert.deepEqual(connects.items, [], "no new connect");
  });
}

scenario("client disconnect: the server records client namespace disconnect", async (clients) => {
  const [socket] = await clients.connected();
  const oldId = socket.id;
  socket.disconnect();
  const [observer] = await clients.connected();
  assert.equal(await awaitLastReason(observer, oldId), "client namespace disconnect");
});
