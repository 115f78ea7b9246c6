// Rooms and their messages: joining, pages of history, sending (queued, retried), and our own typing.
import { $, el, randomId } from "./dom.js";
import { call, countdown, showBanner, socket } from "./connection.js";
import { nameOf, sentence } from "./names.js";
import { otherMember } from "./people.js";
import { isBlocked } from "./blocks.js";
import { decorate, decoratePending, editMessage, quoteOf, takeComposing } from "./message-actions.js";
import { current, isOpen, me, newRoom, rooms, saveRooms } from "./state.js";
import { seenId } from "./conversations.js";
import { replyItems } from "./room-companions.js";
import { bubble, renderLog, scheduleRender, show } from "./views.js";

const HISTORY_PAGE = 30;
const TYPING_REFRESH_MS = 2_500; // re-send "typing" while the user keeps typing
const TYPING_IDLE_MS = 3_000; // "stopped typing" after this much quiet
const NEAR_TOP_PX = 60;
const GROUP_MS = 5 * 60_000; // messages this close from one person read as one run

const typingOut = { roomId: null, sentAt: 0, idle: null };

export function initRooms() {
  $("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = $("room").value.trim();
    const id = typed.startsWith("dm:") ? typed : typed.toLowerCase(); // public room names: any case, one room
    $("join-error").textContent = "";
    if (!id) {
      $("join-error").textContent = "Type a room name.";
      $("room").focus();
      return;
    }
    if (!/^[A-Za-z0-9_\-:.]{1,64}$/.test(id) || id.startsWith("dm:")) {
      $("join-error").textContent = "Use 1-64 letters, digits, _ - : . (no spaces).";
      return;
    }
    $("room").value = "";
    if (!rooms.has(id)) rooms.set(id, newRoom(id));
    openRoom(id);
  });

  $("leave-button").addEventListener("click", () => {
    if (current.kind !== "room") return;
    const room = rooms.get(current.id);
    if (room.joined && socket?.connected) socket.emit("room:leave", { roomId: room.id }, () => {});
    rooms.delete(room.id);
    saveRooms();
    show({ kind: "welcome" });
  });

  $("log").addEventListener("scroll", () => {
    if (current.kind === "room" && $("log").scrollTop < NEAR_TOP_PX) loadHistory(rooms.get(current.id));
  });
}

export async function joinRoom(room, { catchUp }) {
  if (!socket?.connected) return;
  const ack = await call("room:join", { roomId: room.id });
  if (!ack.ok) {
    if (isOpen("room", room.id)) showBanner(`Could not join: ${sentence(ack.error.message)}`, "bad");
    return;
  }
  room.joined = true;
  room.members = new Set(ack.members);
  saveRooms();
  retryPending(room);
  if (catchUp || room.messages.size === 0) await loadHistory(room, { latest: true });
  scheduleRender();
}

export function openRoom(id) {
  const room = rooms.get(id);
  room.unread = 0;
  show({ kind: "room", id });
  if (!room.joined) joinRoom(room, { catchUp: true });
  saveRooms();
}

/** Adds a stored message once (by id); replaces our pending copy of it. Returns whether it was new. */
export function addMessage(room, message) {
  if (message.clientId && message.userId === me().id) room.pending.delete(message.clientId);
  if (room.messages.has(message.id)) return false;
  room.messages.set(message.id, message);
  return true;
}

export async function loadHistory(room, { latest = false } = {}) {
  if (room.loading || (!latest && room.complete)) return;
  room.loading = true;
  renderLoadingNote(room);
  const oldest = latest ? undefined : Math.min(...room.messages.keys());
  const payload = { roomId: room.id, limit: HISTORY_PAGE };
  if (oldest !== undefined && Number.isFinite(oldest)) payload.before = oldest;
  const ack = await call("history", payload);
  room.loading = false;
  if (!ack.ok) {
    room.historyFailed = true; // no automatic retries: scrolling up asks again
    if (isOpen("room", room.id)) showBanner("Could not load earlier messages: " + sentence(ack.error.message), "bad");
    renderLoadingNote(room);
    return;
  }
  room.historyFailed = false;
  const wasEmpty = room.messages.size === 0;
  if (latest && !wasEmpty && ack.messages.length === HISTORY_PAGE && !ack.messages.some((m) => room.messages.has(m.id))) {
    // More was missed than one page: start again from the newest page rather than keep a gap.
    room.messages.clear();
    room.complete = false;
  }
  ack.messages.forEach((m) => addMessage(room, m));
  if (!latest || wasEmpty) room.complete = ack.messages.length < HISTORY_PAGE;
  if (isOpen("room", room.id)) renderLog({ keepTop: !latest });
}

function renderLoadingNote(room) {
  if (isOpen("room", room.id)) renderLog({ keepTop: true });
}

export async function sendToRoom(room, text, attachment) {
  const composing = takeComposing(room.id);
  if (composing?.mode === "edit") {
    editMessage(room, composing.message, text);
    return;
  }
  const local = { clientId: randomId(), roomId: room.id, userId: me().id, text, attachment, createdAt: new Date().toISOString(), state: "pending" };
  if (composing?.mode === "reply") local.replyTo = quoteOf(composing.message);
  room.pending.set(local.clientId, local);
  renderLog({ toBottom: true });
  stopTyping();
  deliver(room, local);
}

async function deliver(room, local) {
  if (!socket?.connected || !room.joined) {
    local.state = "queued"; // sent after the room is joined again (same clientId: stored once)
    scheduleRender();
    return;
  }
  local.state = "pending";
  const payload = { roomId: room.id, text: local.text, clientId: local.clientId };
  if (local.replyTo) payload.replyTo = local.replyTo.id;
  if (local.attachment) payload.attachmentId = local.attachment.id;
  const ack = await call("message:send", payload);
  if (ack.ok) {
    addMessage(room, ack.message);
  } else if (["RATE_LIMITED", "UNAVAILABLE"].includes(ack.error.code) && ack.error.retryAfter) {
    local.state = "waiting";
    countdown(ack.error.retryAfter, (s) => (ack.error.code === "RATE_LIMITED"
      ? `You are sending too fast: sending again in ${s} s.` : `The server is busy: sending again in ${s} s.`),
    () => deliver(room, local));
  } else if (ack.error.code === "TIMEOUT" && !socket.connected) {
    local.state = "queued";
  } else {
    local.state = "failed";
    local.error = sentence(ack.error.message);
  }
  scheduleRender();
}

export function retryPending(room) {
  for (const local of room.pending.values()) if (local.state === "queued") deliver(room, local);
}

// typing
export function typed() {
  if (current.kind !== "room") return;
  const now = Date.now();
  if (typingOut.roomId !== current.id || now - typingOut.sentAt > TYPING_REFRESH_MS) {
    if (typingOut.roomId && typingOut.roomId !== current.id) stopTyping();
    typingOut.roomId = current.id;
    typingOut.sentAt = now;
    if (socket?.connected) socket.volatile.emit("typing", { roomId: current.id, isTyping: true }, () => {});
  }
  clearTimeout(typingOut.idle);
  typingOut.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

export function stopTyping() {
  clearTimeout(typingOut.idle);
  if (typingOut.roomId && socket?.connected) socket.volatile.emit("typing", { roomId: typingOut.roomId, isTyping: false }, () => {});
  typingOut.roomId = null;
  typingOut.sentAt = 0;
}

export function roomItems(room) {
  const items = [];
  if (room.loading) items.push(el("li", { className: "note" }, "Loading earlier messages…"));
  else if (room.complete && (room.messages.size || room.pending.size)) {
    items.push(el("li", { className: "note" }, room.direct ? `This is the start of your conversation with ${nameOf(otherMember(room.id))}.` : `This is the start of #${room.id}.`));
  }
  const sorted = [...room.messages.values()].filter((m) => !isBlocked(m.userId)).sort((a, b) => a.id - b.id);
  const seen = seenId(room);
  const together = (a, b) => a && b && a.userId === b.userId && Date.parse(b.createdAt) - Date.parse(a.createdAt) < GROUP_MS;
  sorted.forEach((m, i) => {
    // One name above and one time below a run of messages from the same person.
    const last = !together(m, sorted[i + 1]) && !(i === sorted.length - 1 && m.userId === me().id && room.pending.size);
    items.push(decorate(bubble({ id: m.id, mine: m.userId === me().id, userId: m.userId, who: nameOf(m.userId), text: m.text,
      attachment: m.attachment, time: last ? m.createdAt : null, cont: together(sorted[i - 1], m) }), room, m));
    if (m.id === seen) items.push(el("li", { className: "seen", ariaLabel: `Seen by ${nameOf(otherMember(room.id))}` }, "Seen"));
  });
  items.push(...replyItems(room));
  for (const local of room.pending.values()) {
    items.push(decoratePending(bubble({ mine: true, text: local.text, attachment: local.attachment, state: local.state, error: local.error, retry: () => deliver(room, local) }), room, local));
  }
  if (room.joined && sorted.length === 0 && room.pending.size === 0 && room.complete) {
    items.push(el("li", { className: "note" }, "No messages yet. Say hello!"));
  }
  return items;
}
