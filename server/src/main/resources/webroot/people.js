// Direct conversations and presence: who is online in a room, talking with one of them, who is typing.
import { $, el } from "./dom.js";
import { nameOf } from "./names.js";
import { avatarNode, nameParts, openProfile } from "./profiles.js";
import { openRoom } from "./rooms.js";
import { current, me, newRoom, rooms, wide } from "./state.js";

let peopleOpen = false;

function directRoomId(otherId) {
  const [a, b] = [me().id, otherId].sort();
  return `dm:${a}:${b}`;
}

export function otherMember(roomId) {
  const [a, b] = roomId.slice(3).split(":");
  return a === me().id ? b : a;
}

export function initPeople() {
  $("people-button").addEventListener("click", () => {
    peopleOpen = !peopleOpen;
    if (current.kind === "room") renderPeople(rooms.get(current.id));
  });
}

export function renderPeople(room) {
  $("people").hidden = room.direct || !(wide.matches || peopleOpen);
  $("people-button").setAttribute("aria-expanded", String(peopleOpen));
  const ids = [...room.members].sort((a, b) => (a === me().id ? -1 : b === me().id ? 1 : nameOf(a).localeCompare(nameOf(b))));
  // The face opens the person's profile; the name starts a direct conversation, as it always has.
  $("people-list").replaceChildren(...ids.map((id) => el("li", { className: "person-row" },
    el("button", { type: "button", className: "face-button", ariaLabel: `Profile of ${nameOf(id)}`, onclick: () => openProfile(id) },
      avatarNode(id, 28)),
    id === me().id
      ? el("div", { className: "person" }, el("span", { className: "label" }, ...nameParts(id, nameOf(id))), el("span", { className: "you" }, "you"))
      : el("button", { type: "button", className: "person", title: `Talk with ${nameOf(id)} one to one`, onclick: () => openDirect(id) },
        el("span", { className: "label" }, ...nameParts(id, nameOf(id))), el("span", { className: "dm" }, "DM")))));
}

function openDirect(userId) {
  const id = directRoomId(userId);
  if (!rooms.has(id)) rooms.set(id, newRoom(id));
  peopleOpen = false;
  openRoom(id);
}

export function renderTyping() {
  if (current.kind !== "room") {
    $("typing").textContent = "";
    return;
  }
  const typists = [...rooms.get(current.id).typists.keys()].map(nameOf);
  $("typing").textContent = typists.length === 0 ? ""
    : typists.length === 1 ? `${typists[0]} is typing…`
      : typists.length === 2 ? `${typists[0]} and ${typists[1]} are typing…` : "Several people are typing…";
}
