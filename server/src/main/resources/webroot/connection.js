// The Socket.IO connection: connecting and reconnecting, the server's events, calls with an ack,
// and the status shown for it (the pill in the top bar, the banner over the conversation).
import { refresh, session } from "./api.js";
import { $ } from "./dom.js";
import { interruptStream, mergeMessages, updateStream } from "./companions.js";
import { conversationChanged, conversationDeleted } from "./companion-bar.js";
import { attachConversations } from "./conversations.js";
import { attachNotifications } from "./notifications.js";
import { noteIncoming } from "./jump.js";
import { signOut } from "./login.js";
import { messageUpdated } from "./message-actions.js";
import { nameOf } from "./names.js";
import { renderTyping } from "./people.js";
import { profileUpdated } from "./profiles.js";
import { addMessage, joinRoom, retryPending } from "./rooms.js";
import { companions, current, isOpen, me, newRoom, rooms } from "./state.js";
import { announce, renderComposer, scheduleRender } from "./views.js";

const ACK_TIMEOUT_MS = 10_000;
const TYPING_SHOWN_MS = 6_000; // forget a typist we stopped hearing from

export let socket = null;

// Modules that listen to more of the server's events register here; called with each new socket.
const socketListeners = [];
export function onSocket(listen) {
  socketListeners.push(listen);
}

function setConnection(text, kind) {
  const pill = $("connection");
  pill.textContent = text;
  pill.className = "pill " + kind;
}

export function connect() {
  setConnection("Connecting…", "connecting");
  socket = io({ auth: (cb) => cb({ token: session.auth?.token }) });
  socketListeners.forEach((listen) => listen(socket));
  let everConnected = false;
  attachConversations(socket);
  attachNotifications(socket);

  socket.on("connect", () => {
    setConnection("Online", "online");
    if (everConnected) flash("Reconnected.", "good");
    else clearBanner();
    everConnected = true;
    // Recovered: the server kept our rooms and replays what we missed. Otherwise join again and catch up.
    for (const room of rooms.values()) {
      if (!socket.recovered) room.joined = false;
      if (room.joined) retryPending(room);
      else joinRoom(room, { catchUp: !socket.recovered });
    }
    // The server cancels a reply when its socket goes, recovered or not: say so and offer to ask again.
    for (const companion of companions.values()) {
      if (companion.stream) interruptStream(companion);
    }
    if (current.kind === "room" || current.kind === "companion") renderComposer();
  });

  socket.on("disconnect", (reason) => {
    setConnection("Reconnecting…", "connecting");
    showBanner("Connection lost. Reconnecting… Messages you send now go out when it is back.", "warn");
    if (reason === "io server disconnect") setTimeout(() => socket?.connect(), 1000);
    renderComposer();
  });

  socket.on("connect_error", async (error) => {
    if (error.message === "unauthorized") {
      socket.io.reconnection(false);
      let renewed = null; // null: the server could not say (down); try again later
      try { renewed = await refresh(); } catch { /* keep null */ }
      if (renewed === false && session.auth) {
        signOut("Your session has ended. Please sign in again.");
        return;
      }
      socket.io.reconnection(true);
      setTimeout(() => socket?.connect(), renewed ? 100 : 2000);
      return;
    }
    if (error.message === "unavailable") {
      // The server could not check the sign-in just now (its database is down): keep it and try again.
      const seconds = Math.max(1, error.data?.retryAfter ?? 2);
      setConnection("Offline", "offline");
      showBanner(`The server is busy. Retrying in ${seconds} s…`, "bad");
      setTimeout(() => socket?.connect(), seconds * 1000);
      return;
    }
    setConnection("Offline", "offline");
    showBanner("Cannot reach the server. Retrying…", "bad");
  });

  // The server ends a socket whose login session ended (here or in another tab or device): sign in again.
  socket.on("session:ended", ({ reason } = {}) => {
    signOut(reason === "logout" ? "Your session has ended: you signed out in another window." : "Your session has ended. Please sign in again.");
  });

  // The token reached its expiry: the server closes the connection and the client reconnects by itself;
  // a fresh token by then lets it in again (and back into its rooms). A refresh that fails is retried by
  // the connect_error handler above.
  socket.on("token:expired", () => {
    refresh().catch(() => {});
  });

  socket.on("user:updated", profileUpdated);

  socket.on("message:new", (message) => {
    let room = rooms.get(message.roomId);
    if (!room) {
      if (!message.roomId.startsWith("dm:")) return;
      room = newRoom(message.roomId); // someone started a direct conversation with us
      rooms.set(room.id, room);
      joinRoom(room, { catchUp: false });
    }
    if (addMessage(room, message)) {
      if (!isOpen("room", room.id)) room.unread++;
      else if (message.userId !== me().id) {
        announce(`${nameOf(message.userId)}: ${message.text}${message.attachment ? ` (${message.attachment.image ? "image" : "file"}: ${message.attachment.name})` : ""}`);
        noteIncoming();
      }
    }
    room.typists.delete(message.userId);
    scheduleRender();
  });

  socket.on("message:updated", messageUpdated);

  socket.on("typing", ({ roomId, userId, isTyping }) => {
    const room = rooms.get(roomId);
    if (!room || userId === me().id) return;
    clearTimeout(room.typists.get(userId));
    if (isTyping) room.typists.set(userId, setTimeout(() => { room.typists.delete(userId); renderTyping(); }, TYPING_SHOWN_MS));
    else room.typists.delete(userId);
    renderTyping();
  });

  socket.on("presence", ({ roomId, userId, status }) => {
    const room = rooms.get(roomId);
    if (!room) return;
    if (status === "online") room.members.add(userId);
    else {
      room.members.delete(userId);
      room.typists.delete(userId);
    }
    scheduleRender();
  });

  socket.on("companion:token", ({ characterId, conversationId, messageId, delta }) => {
    const companion = companions.get(characterId);
    if (!companion || companion.conversationId !== conversationId) return;
    if (!companion.stream || companion.stream.messageId !== messageId) companion.stream = { messageId, text: "" };
    companion.stream.text += delta;
    if (isOpen("companion", characterId)) updateStream(companion);
  });

  socket.on("companion:done", ({ characterId, conversationId, message }) => {
    const companion = companions.get(characterId);
    if (!companion || companion.conversationId !== conversationId) return;
    companion.stream = null;
    mergeMessages(companion, [message]); // a regenerated reply replaces the one it swipes
    if (isOpen("companion", characterId)) {
      announce(`${companion.name}: ${message.content}`);
      noteIncoming();
    }
    scheduleRender();
  });

  socket.on("companion:conversation", ({ conversation }) => conversationChanged(conversation));
  socket.on("companion:conversation-deleted", conversationDeleted);

  socket.on("companion:error", ({ characterId, conversationId, error }) => {
    const companion = companions.get(characterId);
    if (!companion || companion.conversationId !== conversationId) return;
    const text = companion.stream?.text || "";
    companion.stream = null;
    companion.failedReply = { text, error };
    scheduleRender();
  });
}

export function disconnect() {
  socket?.disconnect();
  socket = null;
}

/** Emits with an ack; resolves with the ack, or an error shape when the server does not answer in time. */
export function call(event, payload, timeout = ACK_TIMEOUT_MS) {
  return new Promise((resolve) => {
    socket.timeout(timeout).emit(event, payload, (err, ack) => {
      resolve(err ? { ok: false, error: { code: "TIMEOUT", message: "The server did not answer in time." } }
        : ack || { ok: false, error: { code: "INTERNAL", message: "Empty answer." } });
    });
  });
}

// ---- banner ----
const countdowns = []; // running countdowns, oldest first (see countdown below)
let bannerTimer = null;
export function showBanner(text, kind) {
  clearTimeout(bannerTimer);
  const banner = $("banner");
  banner.textContent = text;
  banner.className = "banner" + (kind === "bad" ? " bad" : kind === "good" ? " good" : "");
  banner.hidden = false;
}

export function flash(text, kind) {
  showBanner(text, kind);
  bannerTimer = setTimeout(clearBanner, 3000);
}

export function clearBanner() {
  if (countdowns.length) return; // a countdown owns the banner
  clearTimeout(bannerTimer);
  $("banner").hidden = true;
}

// ---- countdowns in the banner, each followed by its own automatic retry ----
// Several can run at once (a room message RATE_LIMITED while a companion is busy): each keeps its own timer
// and retry; the banner shows the newest one until it ends, then the next one still running.
export function countdown(seconds, text, then) {
  const c = { left: Math.ceil(seconds), text };
  const show = () => {
    const newest = countdowns[countdowns.length - 1];
    if (newest) showBanner(newest.text(newest.left), "warn");
    renderComposer();
  };
  countdowns.push(c);
  show();
  c.timer = setInterval(() => {
    c.left -= 1;
    if (c.left > 0) {
      show();
      return;
    }
    clearInterval(c.timer);
    countdowns.splice(countdowns.indexOf(c), 1);
    if (countdowns.length) show();
    else clearBanner();
    then();
  }, 1000);
}
