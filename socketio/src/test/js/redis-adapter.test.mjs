// The Redis adapter against the official stack: a socket.io 4.8 server with @socket.io/redis-adapter 8.x
// (classic, or sharded with REDIS_SHARDED=true), @socket.io/redis-emitter, and socket.io-client.
//
// Run by RedisNodeInteropTest, which starts a Nexus node with the Redis adapter (its app: see that class)
// and passes NEXUS_URL, REDIS_URL and REDIS_KEY (a channel prefix of its own, since the Redis is shared).
// Every wait is bounded; everything is closed at the end.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";
import { io as connect } from "socket.io-client";
import { Inbox, sleep, STEP_MS, until, within } from "./helpers.mjs";

const { NEXUS_URL, REDIS_URL, REDIS_KEY } = process.env;
const SHARDED = process.env.REDIS_SHARDED === "true";
if (!NEXUS_URL || !REDIS_URL || !REDIS_KEY) {
  throw new Error("NEXUS_URL, REDIS_URL and REDIS_KEY must be set");
}
const ACK_TIMEOUT_MS = 2_000;

/** Inboxes here answer the Nexus node's acks, with "<event>-answer". */
const inbox = (socket, event) => new Inbox(socket, event, { answer: (e) => `${e}-answer` });

let pub, sub, emitterClient, nodeIo, httpServer, a, b;
const heardByNode = [];

function client(url) {
  const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  return within(new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  }), STEP_MS, `connect to ${url}`);
}

before(async () => {
  pub = createClient({ url: REDIS_URL });
  sub = pub.duplicate();
  emitterClient = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect(), emitterClient.connect()]);
  httpServer = createServer();
  nodeIo = new Server(httpServer, {
    adapter: SHARDED ? createShardedAdapter(pub, sub, { channelPrefix: REDIS_KEY }) : createAdapter(pub, sub, { key: REDIS_KEY }),
  });
  nodeIo.on("connection", (socket) => {
    socket.data.name = "node-" + socket.id;
    socket.on("join", (room, ack) => {
      socket.join(room);
      ack("joined");
    });
    socket.on("to-room", (room, msg, ack) => {
      nodeIo.to(room).emit("room-msg", msg);
      ack("sent");
    });
  });
  nodeIo.on("from-nexus", (...args) => heardByNode.push(args));
  nodeIo.on("node-ask", (value, callback) => callback("node-pong-" + value));
  await new Promise((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const nodeUrl = `http://127.0.0.1:${httpServer.address().port}`;
  // both servers see each other
  await until(async () => (await nodeIo.of("/").adapter.serverCount()) >= 2, "the Nexus node in the cluster");
  a = await client(NEXUS_URL);
  b = await client(nodeUrl);
  assert.equal(await a.timeout(STEP_MS).emitWithAck("join", "r1"), "joined");
  assert.equal(await b.timeout(STEP_MS).emitWithAck("join", "r1"), "joined");
  await sleep(SHARDED ? 300 : 0); // the sharded adapters subscribe to a room's channel when it appears
});

after(async () => {
  a?.close();
  b?.close();
  nodeIo?.close();
  await Promise.allSettled([pub?.quit(), sub?.quit(), emitterClient?.quit()]);
});

test("a room message crosses from Nexus to a Node.js server's client and back", async () => {
  const atA = inbox(a, "room-msg");
  const atB = inbox(b, "room-msg");
  await a.timeout(STEP_MS).emitWithAck("to-room", "r1", { text: "from nexus" });
  assert.deepEqual(await atB.next(), [{ text: "from nexus" }]);
  assert.deepEqual(await atA.next(), [{ text: "from nexus" }]);
  await b.timeout(STEP_MS).emitWithAck("to-room", "r1", { text: "from node", n: 1.5, list: [1, null, true] });
  assert.deepEqual(await atA.next(), [{ text: "from node", n: 1.5, list: [1, null, true] }]);
  assert.deepEqual(await atB.next(), [{ text: "from node", n: 1.5, list: [1, null, true] }]);
  await b.timeout(STEP_MS).emitWithAck("to-room", "r1", Buffer.from([1, 2, 3]));
  const [binary] = await atA.next();
  assert.deepEqual([...new Uint8Array(binary)], [1, 2, 3]);
  await atB.next();
});

test("@socket.io/redis-emitter reaches Nexus clients", { skip: SHARDED && "the emitter speaks the classic adapter's channels" }, async () => {
  const atA = inbox(a, "from-emitter");
  const emitter = new Emitter(emitterClient, { key: REDIS_KEY });
  emitter.to("r1").emit("from-emitter", { hello: "room" });
  assert.deepEqual(await atA.next(), [{ hello: "room" }]);
  emitter.emit("from-emitter", "everyone");
  assert.deepEqual(await atA.next(), ["everyone"]);
  emitter.to("r1").except(a.id).emit("from-emitter", "not a");
  await atA.none();
  emitter.in(a.id).socketsJoin("emitted-room");
  await until(async () => (await a.timeout(STEP_MS).emitWithAck("my-rooms")).includes("emitted-room"), "a to join emitted-room");
});

test("fetchSockets sees the sockets of both servers", async () => {
  const fromNode = await nodeIo.in("r1").fetchSockets();
  assert.deepEqual(fromNode.map((s) => s.id).sort(), [a.id, b.id].sort());
  const remote = fromNode.find((s) => s.id === a.id);
  assert.ok(remote.rooms.has("r1"));
  assert.equal(remote.data.name, "nexus-" + a.id);
  const fromNexus = await a.timeout(STEP_MS).emitWithAck("fetch", "r1");
  assert.deepEqual(fromNexus.map((s) => s.id).sort(), [a.id, b.id].sort());
  assert.equal(fromNexus.find((s) => s.id === b.id).name, "node-" + b.id);
});

test("serverSideEmit both ways, with and without acks", async () => {
  nodeIo.serverSideEmit("from-node", "x", 1);
  await until(async () => (await a.timeout(STEP_MS).emitWithAck("heard")).length > 0, "Nexus to hear from-node");
  assert.deepEqual(await a.timeout(STEP_MS).emitWithAck("heard"), [["from-node", "x", 1]]);
  assert.deepEqual(await within(nodeIo.serverSideEmitWithAck("nexus-ask", 5), STEP_MS, "the answer of nexus-ask"), ["nexus-pong-5"]);
  assert.deepEqual(await a.timeout(STEP_MS).emitWithAck("sse-ask", 3), [["node-pong-3"]]);
  await a.timeout(STEP_MS).emitWithAck("sse-tell", "y");
  await until(() => heardByNode.length > 0, "the Node.js server to hear from-nexus");
  assert.deepEqual(heardByNode, [["y"]]);
});

test("remote join and leave both ways", async () => {
  const atA = inbox(a, "room-msg");
  nodeIo.in(a.id).socketsJoin("r2");
  await until(async () => (await a.timeout(STEP_MS).emitWithAck("my-rooms")).includes("r2"), "a to join r2");
  await sleep(SHARDED ? 300 : 0);
  nodeIo.to("r2").emit("room-msg", "to r2");
  assert.deepEqual(await atA.next(), ["to r2"]);
  nodeIo.in(a.id).socketsLeave("r2");
  await until(async () => !(await a.timeout(STEP_MS).emitWithAck("my-rooms")).includes("r2"), "a to leave r2");
  nodeIo.to("r2").emit("room-msg", "to r2 again");
  await atA.none();
  await a.timeout(STEP_MS).emitWithAck("join-remote", b.id, "r3");
  await until(() => nodeIo.of("/").adapter.rooms.get("r3")?.has(b.id), "b to join r3");
});

test("broadcasts with acks collect the clients of both servers", async () => {
  inbox(a, "question");
  inbox(b, "question");
  // (the adapter keeps its ack bookkeeping for the whole timeout, and so keeps node alive: a short one)
  const fromNode = await nodeIo.timeout(ACK_TIMEOUT_MS).emitWithAck("question", "?");
  assert.deepEqual(fromNode, ["question-answer", "question-answer"]);
  const fromNexus = await a.timeout(STEP_MS).emitWithAck("broadcast-ack");
  assert.equal(fromNexus.length, 2);
});

test("a Node.js server disconnects a Nexus client", async () => {
  const reason = new Promise((resolve) => a.once("disconnect", resolve));
  nodeIo.in(a.id).disconnectSockets();
  assert.equal(await within(reason, STEP_MS, "a's disconnection"), "io server disconnect");
});
