// Run by chat.nexus.ShutdownTest: a websocket client of the official JavaScript client that waits for the
// server to go away and reports why it was disconnected and whether it tries to reconnect.
// NEXUS_URL, NEXUS_TOKEN; prints {"connected":true}, then {"reason", "reconnectAttempt"}; exits 1 on timeout.

import { createRequire } from "node:module";

const CLIENT_DIR = process.env.NEXUS_CLIENT_DIR ?? new URL("../../../../socketio/src/test/js/", import.meta.url).pathname;
const { io } = createRequire(CLIENT_DIR + "package.json")("socket.io-client");

const socket = io(process.env.NEXUS_URL, {
  auth: { token: process.env.NEXUS_TOKEN },
  transports: ["websocket"],
  reconnectionDelay: 100,
  reconnectionDelayMax: 200,
});
let reason = null;
const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: "timed out", reason }));
  process.exit(1);
}, 60_000);
const failed = (e) => {
  console.log(JSON.stringify({ error: "connect_error: " + e.message }));
  process.exit(1);
};
socket.once("connect_error", failed);
socket.once("connect", () => {
  socket.off("connect_error", failed); // later ones are the reconnection's, against a stopped server
  console.log(JSON.stringify({ connected: true }));
});
socket.on("disconnect", (why) => {
  reason = why;
});
socket.io.on("reconnect_attempt", (attempt) => {
  console.log(JSON.stringify({ reason, reconnectAttempt: attempt, active: socket.active }));
  clearTimeout(timer);
  socket.close();
  process.exit(0);
});
