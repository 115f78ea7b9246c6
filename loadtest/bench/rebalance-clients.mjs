// Chat clients for loadtest/bench/rebalance.sh: the official socket.io-client (websocket, reconnecting with
// its default delays, as browsers do), spread over several local addresses (nginx takes at most 1,000
// connections from one). Each joins a room and sends a message every SEND_MS with an ack; acknowledged
// messages are written to ACKED_FILE ("id clientId" lines) at the end, for the stored-vs-acked check.
// Prints "connected" once every client is in, then one JSON line of reconnection times at the end
// (SIGUSR2 or DURATION_S).
//   URL TOKENS (comma-separated) CLIENTS ROOMS SEND_MS LOCAL_ADDRESSES DURATION_S ACKED_FILE (environment)
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import path from "node:path";

const require = createRequire(path.resolve("socketio/src/test/js/package.json"));
const { io } = require("socket.io-client");

const url = process.env.URL;
const tokens = process.env.TOKENS.split(",");
const clients = Number(process.env.CLIENTS ?? 3000);
const rooms = Number(process.env.ROOMS ?? 100);
const sendMs = Number(process.env.SEND_MS ?? 10000);
const addresses = (process.env.LOCAL_ADDRESSES ?? "127.0.0.1").split(",");
const durationS = Number(process.env.DURATION_S ?? 120);
const ackedFile = process.env.ACKED_FILE;

const acked = [];
const reconnectMs = [];
let refused = 0;
let connectedOnce = 0;
let sequence = 0;
const sockets = [];

for (let i = 0; i < clients; i++) {
  const roomId = "bench-r" + (i % rooms);
  const socket = io(url, {
    transports: ["websocket"],
    auth: { token: tokens[i % tokens.length] },
    forceNew: true,
    localAddress: addresses[i % addresses.length],
  });
  let first = true;
  let lostAt = 0;
  socket.on("connect", () => {
    if (lostAt) {
      reconnectMs.push(Date.now() - lostAt);
      lostAt = 0;
    }
    socket.emit("room:join", { roomId }, () => {});
    if (first) {
      first = false;
      connectedOnce++;
      if (connectedOnce === clients) console.log("connected");
    }
  });
  socket.on("disconnect", () => { lostAt = Date.now(); });
  let inFlight = false;
  setTimeout(() => setInterval(() => {
    if (!socket.connected || inFlight) return;
    inFlight = true;
    const clientId = "b" + i + "-" + sequence++;
    socket.timeout(15000).emit("message:send", { roomId, text: clientId, clientId }, (err, ack) => {
      inFlight = false;
      if (err) return;
      if (ack && ack.ok) acked.push(ack.message.id + " " + clientId);
      else refused++;
    });
  }, sendMs), Math.random() * sendMs);
  sockets.push(socket);
}

// SIGUSR2 (or DURATION_S) ends the run: the acks so far are written and the figures printed.
function finish() {
  if (ackedFile) writeFileSync(ackedFile, acked.join("\n") + "\n");
  reconnectMs.sort((a, b) => a - b);
  const at = (q) => reconnectMs.length ? reconnectMs[Math.min(reconnectMs.length - 1, Math.floor(q * reconnectMs.length))] : null;
  console.log(JSON.stringify({
    acked: acked.length, refused, reconnections: reconnectMs.length,
    reconnect_p50_ms: at(0.5), reconnect_p95_ms: at(0.95), reconnect_max_ms: reconnectMs.at(-1) ?? null,
    connected_at_end: sockets.filter((s) => s.connected).length,
  }));
  sockets.forEach((s) => s.close());
  process.exit(0);
}
process.on("SIGUSR2", finish);
setTimeout(finish, durationS * 1000);
