// Conversations that follow the user: the sidebar's list comes from the server (GET /api/me/conversations,
// on start and on every reconnect) and is kept live from events; unread and mention counts; read markers
// (sent when a conversation is visible, scrolled to the bottom and the window focused); "Seen" in direct
// conversations from the peer's marker.
import { authed } from "./api.js";
import { $ } from "./dom.js";
import { joinRoom } from "./rooms.js";
import { companions, current, me, newCompanion, newRoom, rooms, saveRooms } from "./state.js";
import { NEAR_BOTTOM_PX, scheduleRender } from "./views.js";

const READ_DELAY_MS = 300; // a burst of renders and scrolls sends one read
// While messages keep coming, a room's marker moves at most this often: each read costs the server
// about what a message does, and a busy room would otherwise have every viewer send several a second.
const READ_EVERY_MS = 5000;
const lastReadSent = new Map(); // room id -> when its last read was sent
let readTimer = null;

/** The newest activity first: the sidebar's order. */
export const byActivity = (a, b) => (b.activity || "").localeCompare(a.activity || "");

/** "3", or "99+" when the server counted past what it shows. */
export const countText = (n, more) => (more ? `${n}+` : String(n));

/** The newest own message the peer has read, for the "Seen" line (null when none). */
export function seenId(room) {
  if (!room.direct || !room.peerLastReadId) return null;
  let seen = null;
  for (const m of room.messages.values()) {
    if (m.userId === me().id && m.id <= room.peerLastReadId && (seen === null || m.id > seen)) seen = m.id;
  }
  return seen;
}

function newestId(room) {
  let newest = 0;
  for (const id of room.messages.keys()) if (id > newest) newest = id;
  return newest;
}

/** Fetches the list and merges it in; rooms not joined yet are joined (their live messages follow). */
export async function loadConversations() {
  let body;
  try {
    body = await authed("/api/me/conversations");
  } catch {
    return; // offline or the server is busy: the next reconnect asks again
  }
  for (const c of body.conversations) {
    if (c.kind === "companion") {
      if (!companions.has(c.id)) companions.set(c.id, newCompanion({ id: c.id, name: c.character?.name || c.id }));
      const companion = companions.get(c.id); // one entry per conversation: the newest activity counts
      const activity = c.lastMessage?.createdAt;
      if (activity && !(companion.activity > activity)) companion.activity = activity;
      continue;
    }
    let room = rooms.get(c.id);
    if (!room) {
      room = newRoom(c.id);
      rooms.set(c.id, room);
    }
    room.lastReadId = Math.max(room.lastReadId || 0, c.lastReadId || 0);
    room.unread = c.unreadCount;
    room.unreadMore = c.unreadMore;
    room.mentions = c.mentionCount;
    room.mentionMore = c.mentionMore;
    room.activity = c.lastMessage?.createdAt || c.joinedAt;
    room.lastMessage = c.lastMessage;
    if (c.kind === "direct") room.peerLastReadId = Math.max(room.peerLastReadId || 0, c.peerLastReadId || 0);
    if (!room.joined) joinRoom(room, { catchUp: false });
  }
  saveRooms();
  scheduleRender();
  maybeRead();
}

/** Whether the user can see the end of this room's conversation now. */
function seesBottom(roomId) {
  if (current.kind !== "room" || current.id !== roomId) return false;
  if (document.visibilityState !== "visible" || !document.hasFocus()) return false;
  const log = $("log");
  return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
}

/** Sends `read` for the open room when its end is in sight and something in it is unread. */
export function maybeRead() {
  clearTimeout(readTimer);
  const wait = Math.max(READ_DELAY_MS, (lastReadSent.get(current.id) ?? 0) + READ_EVERY_MS - Date.now());
  readTimer = setTimeout(() => {
    if (current.kind !== "room") return;
    const room = rooms.get(current.id);
    const socket = window.nexusClient?.socket;
    if (!room || !socket?.connected || !seesBottom(room.id)) return;
    const newest = newestId(room);
    if (newest > (room.lastReadId || 0) || room.unread || room.mentions) {
      room.lastReadId = Math.max(room.lastReadId || 0, newest);
      markRead(room, room.lastReadId);
      if (newest > 0) {
        lastReadSent.set(room.id, Date.now());
        socket.emit("read", { roomId: room.id, messageId: newest }, () => {});
      }
    }
  }, wait);
}

function markRead(room, lastReadId) {
  room.lastReadId = Math.max(room.lastReadId || 0, lastReadId);
  let unread = 0;
  for (const m of room.messages.values()) if (m.id > room.lastReadId && m.userId !== me().id) unread++;
  const knowsAll = newestId(room) > 0 && room.lastReadId >= newestId(room);
  room.unread = knowsAll ? 0 : Math.min(room.unread, unread || room.unread);
  room.unreadMore = room.unreadMore && room.unread > 0;
  if (knowsAll) {
    room.mentions = 0;
    room.mentionMore = false;
  }
  scheduleRender();
}

/** Listens to the socket's conversation events; called for each new socket. */
export function attachConversations(socket) {
  socket.on("connect", () => loadConversations());

  socket.on("message:new", (message) => {
    const room = rooms.get(message.roomId);
    if (!room) return;
    room.activity = message.createdAt;
    room.lastMessage = message;
    if (current.kind === "room" && current.id === room.id && seesBottom(room.id)) {
      room.unread = 0;
      maybeRead();
    } else if (message.mentions?.includes(me().id)) {
      room.mentions = (room.mentions || 0) + 1;
    }
    scheduleRender();
  });

  // The user read on another tab or device.
  socket.on("conversation:read", ({ roomId, lastReadId }) => {
    const room = rooms.get(roomId);
    if (room) markRead(room, lastReadId);
  });

  // The other user of a direct conversation read up to here.
  socket.on("receipt", ({ roomId, lastReadId }) => {
    const room = rooms.get(roomId);
    if (!room) return;
    room.peerLastReadId = Math.max(room.peerLastReadId || 0, lastReadId);
    scheduleRender();
  });
}

export function initConversations() {
  // The log is rebuilt on each render and scrolled by the user: either may bring its end into sight.
  new MutationObserver(() => maybeRead()).observe($("log"), { childList: true });
  $("log").addEventListener("scroll", () => maybeRead(), { passive: true });
  window.addEventListener("focus", () => maybeRead());
  document.addEventListener("visibilitychange", () => maybeRead());
}
