// The Redis adapter's streams mode against the official stack: a socket.io 4.8 server with
// @socket.io/redis-streams-adapter 0.3, and socket.io-client with connection state recovery, across
// implementations: a client recovers its session on whichever server it reconnects to.
//
// Run by RedisStreamsInteropTest, which starts two Nexus nodes (NEXUS_URL, NEXUS2_URL; their app: see
// RedisNodeInteropTest) in the streams mode with recovery on, and passes REDIS_URL, REDIS_KEY (channel
// prefix), STREAM (stream name), SESSION_PREFIX and MAX_LEN, all of the test's own since the Redis is
// shared. Every wait is bounded; everything is closed at the end.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";
import { io as connect } from "socket.io-client";
import { Inbox, STEP_MS, until, within } from "./helpers.mjs";

const { NEXUS_URL, NEXUS2_URL, REDIS_URL, REDIS_KEY, STREAM, SESSION_PREFIX, MAX_LEN } = process.env;
if (!NEXUS_URL || !NEXUS2_URL || !REDIS_URL || !REDIS_KEY || !STREAM || !SESSION_PREFIX || !MAX_LEN) {
  throw new Error("NEXUS_URL, NEXUS2_URL, REDIS_URL, REDIS_KEY, STREAM, SESSION_PREFIX and MAX_LEN must be set");
}
const ACK_TIMEOUT_MS = 2_000;
const OFFSET = /^[0-9]+-[0-9]+$/;

const inbox = (socket, event) => new Inbox(socket, event, { answer: (e) => `${e}-answer` });

let redis, nodeIo, httpServer, nodeUrl, a, b;
const heardByNode = [];

function client(url) {
  const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  return within(new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  }), STEP_MS, `connect to ${url}`);
}

/** Drops the client's connection (a "transport close" for the server) and waits until its session is in Redis. */
async function drop(socket) {
  const pid = socket._pid;
  assert.ok(pid, "the server gave a private session id");
  const gone = new Promise((resolve) => socket.once("disconnect", resolve));
  socket.io.engine.close();
  await within(gone, STEP_MS, "the disconnection");
  await until(async () => (await redis.exists(SESSION_PREFIX + pid)) === 1, "the session to be kept in Redis");
}

/** Whether the packets' offsets (their last arguments) are stream ids in ascending order. */
function streamOrder(packets) {
  const ids = packets.map((args) => args[args.length - 1]);
  const key = (id) => id.split("-").map(BigInt);
  return ids.every((id, i) => {
    if (!OFFSET.test(id)) return false;
    if (i === 0) return true;
    const [t0, s0] = key(ids[i - 1]);
    const [t1, s1] = key(id);
    return t1 > t0 || (t1 === t0 && s1 > s0);
  });
}

/** Reconnects the same client to another server, as a load balancer would send it. */
function reconnectTo(socket, url) {
  socket.io.uri = url;
  const connected = new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  socket.connect();
  return within(connected, STEP_MS, `reconnection to ${url}`);
}

before(async () => {
  redis = createClient({ url: REDIS_URL });
  await redis.connect();
  httpServer = createServer();
  nodeIo = new Server(httpServer, {
    adapter: createAdapter(redis, {
      streamName: STREAM,
      channelPrefix: REDIS_KEY,
      sessionKeyPrefix: SESSION_PREFIX,
      maxLen: Number(MAX_LEN),
      blockTimeInMs: 1_000, // the reader stops only after its current XREAD: a short one
    }),
    connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: true },
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
  nodeUrl = `http://127.0.0.1:${httpServer.address().port}`;
  await until(async () => (await nodeIo.of("/").adapter.serverCount()) >= 3, "both Nexus nodes in the cluster");
  a = await client(NEXUS_URL);
  b = await client(nodeUrl);
  assert.equal(await a.timeout(STEP_MS).emitWithAck("join", "r1"), "joined");
  assert.equal(await b.timeout(STEP_MS).emitWithAck("join", "r1"), "joined");
});

after(async () => {
  a?.close();
  b?.close();
  await new Promise((resolve) => nodeIo ? nodeIo.close(resolve) : resolve());
  await redis?.del(STREAM).catch(() => {});
  await redis?.quit().catch(() => {});
});

test("a room message crosses from Nexus to a Node.js server's client and back, with stream offsets", async () => {
  const atA = inbox(a, "room-msg");
  const atB = inbox(b, "room-msg");
  await a.timeout(STEP_MS).emitWithAck("to-room", "r1", { text: "from nexus" });
  const [fromNexusAtB, offsetAtB] = await atB.next();
  const [fromNexusAtA, offsetAtA] = await atA.next();
  assert.deepEqual(fromNexusAtB, { text: "from nexus" });
  assert.deepEqual(fromNexusAtA, { text: "from nexus" });
  assert.match(offsetAtB, OFFSET);
  assert.equal(offsetAtA, offsetAtB, "one entry, one offset on every server");
  await b.timeout(STEP_MS).emitWithAck("to-room", "r1", { text: "from node", n: 1.5, list: [1, null, true] });
  assert.deepEqual((await atA.next())[0], { text: "from node", n: 1.5, list: [1, null, true] });
  assert.deepEqual((await atB.next())[0], { text: "from node", n: 1.5, list: [1, null, true] });
  await b.timeout(STEP_MS).emitWithAck("to-room", "r1", Buffer.from([1, 2, 3]));
  const [binary] = await atA.next();
  assert.deepEqual([...new Uint8Array(binary)], [1, 2, 3]);
  await atB.next();
});

test("a local broadcast stays on its Nexus node", async () => {
  const atA = inbox(a, "room-msg");
  const atB = inbox(b, "room-msg");
  await a.timeout(STEP_MS).emitWithAck("local-all", "only on nexus");
  assert.equal((await atA.next())[0], "only on nexus");
  await atB.none();
});

test("fetchSockets sees the sockets of every server", async () => {
  const fromNode = await nodeIo.in("r1").fetchSockets();
  assert.deepEqual(fromNode.map((s) => s.id).sort(), [a.id, b.id].sort());
  assert.equal(fromNode.find((s) => s.id === a.id).data.name, "nexus-" + a.id);
  const fromNexus = await a.timeout(STEP_MS).emitWithAck("fetch", "r1");
  assert.deepEqual(fromNexus.map((s) => s.id).sort(), [a.id, b.id].sort());
  assert.equal(fromNexus.find((s) => s.id === b.id).name, "node-" + b.id);
});

test("serverSideEmit both ways, with and without acks", async () => {
  nodeIo.serverSideEmit("from-node", "x", 1);
  await until(async () => (await a.timeout(STEP_MS).emitWithAck("heard")).length > 0, "Nexus to hear from-node");
  assert.deepEqual(await a.timeout(STEP_MS).emitWithAck("heard"), [["from-node", "x", 1]]);
  const answers = await within(nodeIo.serverSideEmitWithAck("nexus-ask", 5), STEP_MS, "the answers of nexus-ask");
  assert.deepEqual(answers, ["nexus-pong-5", "nexus-pong-5"]);
  const fromNexus = await a.timeout(STEP_MS).emitWithAck("sse-ask", 3);
  assert.ok(fromNexus.some((answer) => answer[0] === "node-pong-3"), JSON.stringify(fromNexus));
  await a.timeout(STEP_MS).emitWithAck("sse-tell", "y");
  await until(() => heardByNode.length > 0, "the Node.js server to hear from-nexus");
  assert.deepEqual(heardByNode, [["y"]]);
});

test("remote join and leave both ways", async () => {
  const atA = inbox(a, "room-msg");
  nodeIo.in(a.id).socketsJoin("r2");
  await until(async () => (await a.timeout(STEP_MS).emitWithAck("my-rooms")).includes("r2"), "a to join r2");
  nodeIo.to("r2").emit("room-msg", "to r2");
  assert.equal((await atA.next())[0], "to r2");
  nodeIo.in(a.id).socketsLeave("r2");
  await until(async () => !(await a.timeout(STEP_MS).emitWithAck("my-rooms")).includes("r2"), "a to leave r2");
  await a.timeout(STEP_MS).emitWithAck("join-remote", b.id, "r3");
  await until(() => nodeIo.of("/").adapter.rooms.get("r3")?.has(b.id), "b to join r3");
});

test("broadcasts with acks collect the clients of every server", async () => {
  inbox(a, "question");
  inbox(b, "question");
  const fromNode = await nodeIo.timeout(ACK_TIMEOUT_MS).emitWithAck("question", "?");
  assert.deepEqual(fromNode, ["question-answer", "question-answer"]);
  const fromNexus = await a.timeout(STEP_MS).emitWithAck("broadcast-ack");
  assert.equal(fromNexus.length, 2);
});

test("a client of Nexus recovers its session on the Node.js server, with what it missed", async () => {
  const c = await client(NEXUS_URL);
  const atC = inbox(c, "room-msg");
  assert.equal(await c.timeout(STEP_MS).emitWithAck("join", "rec1"), "joined");
  await b.timeout(STEP_MS).emitWithAck("to-room", "rec1", "before");
  assert.equal((await atC.next())[0], "before");
  const id = c.id;
  await drop(c);
  await b.timeout(STEP_MS).emitWithAck("to-room", "rec1", "missed from node");
  await a.timeout(STEP_MS).emitWithAck("to-room", "rec1", "missed from nexus");
  await b.timeout(STEP_MS).emitWithAck("to-room", "r1", "not for c");
  await reconnectTo(c, nodeUrl);
  assert.equal(c.recovered, true);
  assert.equal(c.id, id);
  // (two servers' entries: their order in the stream is whichever XADD came first)
  const missed = [await atC.next(), await atC.next()];
  assert.deepEqual(missed.map(([text]) => text).sort(), ["missed from nexus", "missed from node"]);
  assert.ok(streamOrder(missed), "replayed in stream order");
  await atC.none();
  assert.ok(nodeIo.of("/").adapter.rooms.get("rec1")?.has(id), "c is in its room again");
  c.close();
});

test("a client of the Node.js server recovers its session on Nexus, with what it missed", async () => {
  const c = await client(nodeUrl);
  const atC = inbox(c, "room-msg");
  assert.equal(await c.timeout(STEP_MS).emitWithAck("join", "rec2"), "joined");
  await a.timeout(STEP_MS).emitWithAck("to-room", "rec2", "before");
  assert.equal((await atC.next())[0], "before");
  const id = c.id;
  await drop(c);
  await a.timeout(STEP_MS).emitWithAck("to-room", "rec2", "missed from nexus");
  await b.timeout(STEP_MS).emitWithAck("to-room", "rec2", { from: "node", bytes: Buffer.from([7]) });
  await reconnectTo(c, NEXUS_URL);
  assert.equal(c.recovered, true);
  assert.equal(c.id, id);
  const missed = [await atC.next(), await atC.next()];
  assert.ok(streamOrder(missed), "replayed in stream order");
  assert.ok(missed.some(([text]) => text === "missed from nexus"));
  const [withBinary] = missed.find(([message]) => message.from === "node");
  assert.deepEqual([...new Uint8Array(withBinary.bytes)], [7]);
  assert.ok((await c.timeout(STEP_MS).emitWithAck("my-rooms")).includes("rec2"), "c is in its room again");
  c.close();
});

test("a client recovers on another Nexus node; a second recovery of the same session fails", async () => {
  const c = await client(NEXUS_URL);
  const atC = inbox(c, "room-msg");
  assert.equal(await c.timeout(STEP_MS).emitWithAck("join", "rec3"), "joined");
  await a.timeout(STEP_MS).emitWithAck("to-room", "rec3", "before");
  await atC.next();
  const pid = c._pid;
  const offset = c._lastOffset;
  await drop(c);
  await a.timeout(STEP_MS).emitWithAck("to-room", "rec3", "missed");
  await reconnectTo(c, NEXUS2_URL);
  assert.equal(c.recovered, true);
  assert.equal((await atC.next())[0], "missed");
  // the session was taken by the first restore: another client presenting it gets a new one
  const thief = connect(NEXUS_URL, { transports: ["websocket"], forceNew: true, reconnection: false });
  thief._pid = pid;
  thief._lastOffset = offset;
  await within(new Promise((resolve) => thief.once("connect", resolve)), STEP_MS, "the second client");
  assert.equal(thief.recovered, false);
  assert.notEqual(thief.id, c.id);
  thief.close();
  c.close();
});

test("a client away while more than the stream holds was added gets a new session", async () => {
  const c = await client(NEXUS_URL);
  assert.equal(await c.timeout(STEP_MS).emitWithAck("join", "rec4"), "joined");
  const atC = inbox(c, "room-msg");
  await a.timeout(STEP_MS).emitWithAck("to-room", "rec4", "before");
  await atC.next();
  const id = c.id;
  await drop(c);
  // MAXLEN ~ trims whole macro nodes (100 entries by default): well past both
  for (let i = 0; i < 3 * Number(MAX_LEN) + 300; i++) {
    nodeIo.to("nobody").emit("filler", i);
  }
  await until(async () => (await redis.xLen(STREAM)) <= Number(MAX_LEN) + 200, "the stream to be trimmed");
  await reconnectTo(c, NEXUS2_URL);
  assert.equal(c.recovered, false);
  assert.notEqual(c.id, id);
  c.close();
});
