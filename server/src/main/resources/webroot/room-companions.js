// Companions in group rooms: the characters a room has (owners add and remove them in its settings),
// their replies streaming into the room for everyone, the line of whom they answer, and refusals.
import { api, authed } from "./api.js";
import { onSocket, showBanner } from "./connection.js";
import { $, el } from "./dom.js";
import { sentence } from "./names.js";
import { profileUpdated } from "./profiles.js";
import { current, isOpen, me, rooms } from "./state.js";
import { bubble, scheduleRender } from "./views.js";

const AUTHOR = "character:"; // a character's user id in rooms
const names = new Map(); // characterId -> name
const loaded = new Set(); // rooms whose companions were asked for

export function initRoomCompanions() {
  new MutationObserver(loadOpenRoom).observe($("chat-title"), { childList: true, characterData: true, subtree: true });
  onSocket(listen);
}

function listen(socket) {
  socket.on("room:companions", ({ companions }) => learn(companions));
  socket.on("room:companion:token", ({ roomId, characterId, messageId, delta }) => {
    const room = rooms.get(roomId);
    if (!room) return;
    room.replies ??= new Map();
    const key = characterId + " " + messageId;
    const reply = room.replies.get(key) ?? { characterId, text: "" };
    reply.text += delta;
    room.replies.set(key, reply);
    scheduleRender();
  });
  socket.on("message:new", (message) => {
    // the stored reply takes the place of its stream
    if (!message.userId?.startsWith(AUTHOR) || !message.replyTo) return;
    rooms.get(message.roomId)?.replies?.delete(message.userId.slice(AUTHOR.length) + " " + message.replyTo.id);
  });
  socket.on("room:companion:error", ({ roomId, characterId, messageId, error }) => {
    rooms.get(roomId)?.replies?.delete(characterId + " " + messageId);
    if (isOpen("room", roomId)) showBanner(`${nameOf(characterId)} could not finish: ${sentence(error.message)}`, "bad");
    scheduleRender();
  });
  socket.on("room:companion:refused", ({ characterId, error }) => {
    showBanner(`${nameOf(characterId)} can't answer you now: ${sentence(error.message)}`, "bad");
  });
  socket.on("room:companion:queue", (turn) => {
    const room = rooms.get(turn.roomId);
    if (!room) return;
    room.turns ??= new Map();
    if (turn.answering) room.turns.set(turn.characterId, turn);
    else room.turns.delete(turn.characterId);
    scheduleRender();
  });
}

const nameOf = (characterId) => names.get(characterId) ?? "The companion";

/** Companions are shown as the authors of their messages: name, @handle and avatar. */
function learn(companions) {
  for (const c of companions) {
    names.set(c.characterId, c.name);
    profileUpdated({ user: { id: c.userId, name: c.name, handle: c.handle, kind: "character",
      avatarUrl: c.hasAvatar ? `/api/characters/${encodeURIComponent(c.characterId)}/avatar` : null } });
  }
}

async function loadOpenRoom() {
  const room = current.kind === "room" ? rooms.get(current.id) : null;
  if (!room || room.direct || loaded.has(room.id)) return;
  loaded.add(room.id);
  try {
    learn((await authed("/api/rooms/" + encodeURIComponent(room.id))).companions ?? []);
  } catch {
    loaded.delete(room.id); // a room made by joining has no details yet: asked again next time
  }
}

/** The replies streaming in a room, then whom each companion answers and who waits. */
export function replyItems(room) {
  const items = [];
  for (const reply of room.replies?.values() ?? []) {
    items.push(bubble({ who: nameOf(reply.characterId), userId: AUTHOR + reply.characterId, text: reply.text, state: "streaming" }));
  }
  for (const turn of room.turns?.values() ?? []) {
    items.push(el("li", { className: "note", role: "status" }, turnLine(turn)));
  }
  return items;
}

function turnLine({ characterId, answering, queue }) {
  const name = nameOf(characterId);
  const mine = me().id;
  const place = queue.findIndex((q) => q.userId === mine);
  const asked = answering.userId === mine ? "you" : answering.name;
  const after = place === 0 ? " — you are next" : place > 0 ? ` — ${place} before you` : queue.length ? ` — ${queue.length} waiting` : "";
  return `${name} is answering ${asked}${after}`;
}

/** The Companions part of a room's settings: the list, and for owners Remove and Add. */
export function companionSettings({ room, companions = [], myRole }, act) {
  learn(companions);
  const owner = myRole === "owner";
  const roomId = room.id;
  const items = companions.map((c) => el("li", { className: "member" },
    el("div", { className: "grow" }, el("strong", {}, c.name), ` @${c.handle}`, c.sponsored ? el("span", { className: "muted small" }, " · sponsored") : null),
    owner ? el("button", { className: "secondary", type: "button", "aria-label": `Remove ${c.name}`,
      onclick: () => act("room:companion:remove", { roomId, characterId: c.characterId }, `${c.name} left.`) }, "Remove") : null));
  const parts = [el("h4", {}, "Companions"), el("ul", { className: "member-list", "aria-label": "Companions" },
    ...(items.length ? items : [el("li", { className: "muted" }, owner ? "None yet: add one below." : "None.")]))];
  if (!owner) return parts;
  const pick = el("select", { id: "companion-pick" }, el("option", { value: "" }, "Loading…"));
  const sponsored = el("input", { id: "companion-sponsored", type: "checkbox" });
  choices(pick);
  parts.push(el("form", { className: "stack", onsubmit: (e) => {
    e.preventDefault();
    if (pick.value) act("room:companion:add", { roomId, characterId: pick.value, sponsored: sponsored.checked }, "Added: people call it with @ and its first name.");
  } },
  el("label", { htmlFor: "companion-pick" }, "Add a companion"),
  el("div", { className: "row" }, pick, el("button", { type: "submit", className: "secondary" }, "Add")),
  el("div", { className: "row" }, sponsored, el("label", { htmlFor: "companion-sponsored" }, "Replies on my budget (sponsored)"))));
  return parts;
}

async function choices(select) {
  try {
    const { characters } = await api.characters();
    select.replaceChildren(el("option", { value: "" }, "Choose…"), ...characters.map((c) => el("option", { value: c.id }, c.name)));
  } catch (e) {
    select.replaceChildren(el("option", { value: "" }, "Could not load: " + sentence(e.message)));
  }
}
