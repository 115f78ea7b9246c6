// The Node.js reference for BENCHMARKS.md: a socket.io 4.8 server speaking the same contract as Nexus
// (HS256 JWT in auth.token, room:join, room:leave, message:send with ack then message:new to the room,
// typing), the way the "scaling to 10,000 users" guide builds it, but storing nothing. Also serves the
// bare fan-out benchmark (auth {room}, "send" -> "msg" to the room) with MODE=fanout.
//   PORT=3000 JWT_SECRET=... node server.js          (chat)
//   PORT=3000 MODE=fanout node server.js             (fan-out)
const http = require("node:http");
const crypto = require("node:crypto");
const { Server } = require("socket.io");

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || "127.0.0.1";
const MODE = process.env.MODE || "chat";
const SECRET = process.env.JWT_SECRET || "";
const ROOM_ID = /^[A-Za-z0-9_\-:.]{1,64}$/;
const MAX_TEXT = 4000;

function verify(token) {
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const expected = crypto.createHmac("sha256", SECRET).update(parts[0] + "." + parts[1]).digest("base64url");
  if (expected.length !== parts[2].length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(parts[2]))) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
    if (claims.exp && claims.exp * 1000 < Date.now()) return null;
    return claims.sub ? claims : null;
  } catch {
    return null;
  }
}

const error = (code, message) => ({ ok: false, error: { code, message } });
const httpServer = http.createServer((req, res) => {
  res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok: req.url === "/health" }));
});
const io = new Server(httpServer, { cors: { origin: "*" } });

if (MODE === "fanout") {
  io.on("connection", (socket) => {
    if (typeof socket.handshake.auth.room === "string") socket.join(socket.handshake.auth.room);
    socket.on("send", (m) => m && typeof m.room === "string" && io.to(m.room).emit("msg", m));
  });
} else {
  let nextId = 1;
  io.use((socket, next) => {
    const claims = verify(socket.handshake.auth && socket.handshake.auth.token);
    if (!claims) return next(new Error("unauthorized"));
    socket.data.userId = claims.sub;
    next();
  });
  io.on("connection", (socket) => {
    const ack = (cb, value) => typeof cb === "function" && cb(value);
    socket.on("room:join", (p, cb) => {
      if (!p || typeof p !== "object" || !ROOM_ID.test(p.roomId)) return ack(cb, error("BAD_REQUEST", "bad roomId"));
      socket.join(p.roomId);
      ack(cb, { ok: true, roomId: p.roomId, members: [] });
    });
    socket.on("room:leave", (p, cb) => {
      if (p && typeof p.roomId === "string") socket.leave(p.roomId);
      ack(cb, { ok: true });
    });
    socket.on("message:send", (p, cb) => {
      if (!p || typeof p !== "object" || !ROOM_ID.test(p.roomId)) return ack(cb, error("BAD_REQUEST", "bad roomId"));
      if (typeof p.text !== "string" || !p.text.trim() || p.text.length > MAX_TEXT) return ack(cb, error("BAD_REQUEST", "bad text"));
      if (!socket.rooms.has(p.roomId)) return ack(cb, error("FORBIDDEN", "join the room first"));
      const message = { id: nextId++, roomId: p.roomId, userId: socket.data.userId, text: p.text,
        clientId: p.clientId || null, createdAt: new Date().toISOString() };
      ack(cb, { ok: true, message });
      socket.to(p.roomId).emit("message:new", message);
    });
    socket.on("typing", (p, cb) => {
      if (p && typeof p.roomId === "string") socket.to(p.roomId).volatile.emit("typing", { roomId: p.roomId, userId: socket.data.userId, isTyping: !!p.isTyping });
      ack(cb, { ok: true });
    });
  });
}

httpServer.listen(PORT, HOST, () => console.log(`reference-node (${MODE}) listening on ${HOST}:${PORT}`));
process.on("SIGTERM", () => { io.close(); process.exit(0); });
