// The views: which one shows, the side navigation, a conversation's head, log and composer, the phone menu.
import { attachmentNode } from "./attachments.js";
import { $, el } from "./dom.js";
import { timeElement } from "./dates.js";
import { closeMenu, initDrawer, renderMenuBadge } from "./drawer.js";
import { composerProblem, renderCount } from "./composer-count.js";
import { initJump, resetJump } from "./jump.js";
import { renderMarkdown } from "./markdown.js";
import { avatarOf, companionItems, openCompanion, renderGallery, sendToCompanion } from "./companions.js";
import { renderCompanionBar } from "./companion-bar.js";
import { clearBanner, socket } from "./connection.js";
import { fillNames, nameOf, roomTitle } from "./names.js";
import { otherMember, renderPeople, renderTyping } from "./people.js";
import { renderComposing } from "./message-actions.js";
import { avatarNode, nameParts, whoButton } from "./profiles.js";
import { loadHistory, openRoom, roomItems, sendToRoom, stopTyping, typed } from "./rooms.js";
import { companions, current, isOpen, me, rooms, setCurrent, wide } from "./state.js";
import { byActivity, countText } from "./conversations.js";

export const NEAR_BOTTOM_PX = 80;

const drafts = new Map(); // "room:<id>" or "companion:<id>" -> unsent text
const draftKey = (view) => `${view.kind}:${view.id}`;

export function initViews() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("message").value.trim();
    if (!text || $("send").disabled) return; // a file alone goes through the attach button
    if (composerProblem(text)) { // too long: kept in the box, the warning under it says why
      renderComposer();
      $("message").focus();
      return;
    }
    $("message").value = "";
    autoSize();
    if (current.kind === "room") sendToRoom(rooms.get(current.id), text);
    else if (current.kind === "companion") sendToCompanion(companions.get(current.id), text);
    $("message").focus();
  });

  $("message").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });

  $("message").addEventListener("input", () => {
    autoSize();
    if ($("message").value.trim()) typed();
    renderCount();
    renderComposer();
  });

  initDrawer();
  initJump();
  wide.addEventListener("change", () => scheduleRender());
}

export function show(view) {
  if (current.kind === "room" && view.id !== current.id) stopTyping();
  if (current.kind === "room" || current.kind === "companion") drafts.set(draftKey(current), $("message").value);
  setCurrent(view);
  $("welcome-view").hidden = view.kind !== "welcome";
  $("gallery-view").hidden = view.kind !== "gallery";
  $("characters-view").hidden = view.kind !== "characters";
  $("chat-view").hidden = view.kind !== "room" && view.kind !== "companion";
  closeMenu();
  clearBanner();
  resetJump();
  $("message").value = drafts.get(draftKey(view)) || "";
  autoSize();
  renderCount();
  renderComposing();
  if (view.kind === "gallery") renderGallery();
  if (view.kind === "room" || view.kind === "companion") {
    renderHead();
    renderLog({ toBottom: true });
    renderComposer();
    if (wide.matches) $("message").focus();
  }
  renderNav();
}

let renderQueued = false;
export function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderNav();
    if (current.kind === "room" || current.kind === "companion") {
      renderHead();
      renderLog({});
      renderComposer();
    }
  });
}

function navItem({ icon, label, active, unread, more, mentions, mentionMore, onclick, avatar }) {
  return el("li", {}, el("button", { className: "nav-item" + (active ? " active" : ""), onclick, ariaCurrent: active ? "page" : undefined },
    avatar || el("span", { className: "nav-icon", ariaHidden: "true" }, icon),
    el("span", { className: "label" }, label),
    mentions ? el("span", { className: "badge mention", title: `${countText(mentions, mentionMore)} mentions` }, "@" + countText(mentions, mentionMore)) : null,
    unread ? el("span", { className: "badge", title: `${countText(unread, more)} unread` }, countText(unread, more)) : null));
}

export function renderNav() {
  if (!me()) return;
  const unread = [...rooms.values()].reduce((sum, r) => sum + r.unread, 0);
  document.title = unread ? `(${unread}) Nexus Chat` : "Nexus Chat";
  renderMenuBadge(unread);
  const publicRooms = [...rooms.values()].filter((r) => !r.direct).sort(byActivity);
  $("room-list").replaceChildren(...(publicRooms.length ? publicRooms.map((room) => navItem({
    icon: "#", label: room.id, active: isOpen("room", room.id), unread: room.unread, more: room.unreadMore,
    mentions: room.mentions, mentionMore: room.mentionMore, onclick: () => openRoom(room.id),
  })) : [el("li", { className: "empty" }, "No rooms yet: join one above.")]));
  const direct = [...rooms.values()].filter((r) => r.direct).sort(byActivity);
  $("dm-list").replaceChildren(...(direct.length ? direct.map((room) => navItem({
    icon: "@", label: nameOf(otherMember(room.id)), active: isOpen("room", room.id), unread: room.unread, more: room.unreadMore,
    onclick: () => openRoom(room.id),
    avatar: avatarNode(otherMember(room.id), 22),
  })) : [el("li", { className: "empty" }, "Tap a person in a room to talk one to one.")]));
  $("gallery-button").classList.toggle("active", current.kind === "gallery");
  $("my-characters-button").classList.toggle("active", current.kind === "characters");
  $("companion-list").replaceChildren(...[...companions.values()].sort(byActivity).map((c) => navItem({
    label: c.name, active: isOpen("companion", c.id), onclick: () => openCompanion(c), avatar: avatarOf(c, 22, "mini-avatar"),
  })));
}

export function renderHead() {
  renderCompanionBar();
  const avatar = $("chat-avatar");
  if (current.kind === "room") {
    const room = rooms.get(current.id);
    // A direct conversation's title is the peer's name with @handle and the guest tag.
    $("chat-title").replaceChildren(...(room.direct ? nameParts(otherMember(room.id), roomTitle(room)) : [roomTitle(room)]));
    const online = room.members.size;
    // The peer is online while in any room we share (the conversation itself only once they opened it):
    // presence events in each keep the members current.
    const peer = room.direct ? otherMember(room.id) : null;
    const peerOnline = room.direct && [...rooms.values()].some((r) => r.members.has(peer));
    $("chat-subtitle").textContent = room.direct ? (peerOnline ? "online" : "offline") : `${online} online`;
    $("chat-subtitle").className = "muted small" + (room.direct ? (peerOnline ? " presence online" : " presence offline") : "");
    avatar.hidden = true;
    $("chat-face").replaceChildren(room.direct ? avatarNode(otherMember(room.id), 42) : "");
    $("chat-face").hidden = !room.direct;
    $("people-button").hidden = room.direct;
    $("leave-button").hidden = false;
    $("people-button").textContent = `People (${online})`;
    renderPeople(room);
  } else {
    const companion = companions.get(current.id);
    $("chat-title").textContent = companion.name;
    $("chat-subtitle").textContent = fillNames(companion.description, companion.name);
    $("chat-face").hidden = true;
    $("chat-subtitle").className = "muted small";
    avatar.hidden = !companion.hasAvatar;
    if (companion.hasAvatar) avatar.src = `/api/characters/${encodeURIComponent(companion.id)}/avatar`;
    $("people-button").hidden = true;
    $("leave-button").hidden = true;
    $("people").hidden = true;
  }
}

/** One message; its text is markdown (markdown.js), rendered safely; an attachment below it. */
export function bubble({ mine, who, userId, text, attachment, time, state, cont, retry, id, error }) {
  return el("li", { className: `msg${mine ? " mine" : ""}${cont ? " cont" : ""}${state ? " " + state : ""}`, dataset: id ? { id } : undefined },
    who ? (userId ? whoButton(userId, who) : el("span", { className: "who" }, who)) : null,
    text || !attachment ? el("div", { className: "bubble" }, renderMarkdown(text)) : null,
    attachment ? el("div", { className: "attachment" }, attachmentNode(attachment)) : null,
    state === "failed" ? el("span", { className: "retry" }, error ? `Not sent: ${error} ` : "Not sent. ", retry ? el("button", { className: "link", onclick: retry }, "Try again") : null)
      : state === "pending" || state === "queued" ? el("span", { className: "time" }, state === "queued" ? "Waiting for the connection…" : "Sending…")
        : state === "waiting" ? el("span", { className: "time" }, "Waiting to send…")
          : time ? timeElement(time) : null);
}

export function renderLog({ toBottom = false, keepTop = false }) {
  const log = $("log");
  const fromBottom = log.scrollHeight - log.scrollTop;
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  const items = current.kind === "room" ? roomItems(rooms.get(current.id)) : companionItems(companions.get(current.id));
  log.replaceChildren(...items);
  if (keepTop) log.scrollTop = log.scrollHeight - fromBottom;
  else if (toBottom || atBottom) log.scrollTop = log.scrollHeight;
  renderTyping();
  if (current.kind === "room") {
    const room = rooms.get(current.id);
    // A short history leaves nothing to scroll: load older pages until it can scroll or none is left.
    if (room.joined && !room.complete && !room.loading && !room.historyFailed && log.scrollHeight <= log.clientHeight) loadHistory(room);
  }
}

export function renderComposer() {
  const state = $("composer-state");
  state.className = "composer-state";
  let text = "";
  let busy = false;
  if (current.kind === "companion") {
    const companion = companions.get(current.id);
    if (companion?.stream) {
      text = `${companion.name} is replying…`;
      busy = true;
    } else if (companion?.pending) {
      text = companion.pending.state === "waiting" ? "Your message will be sent automatically." : "";
      busy = companion.pending.state !== "failed";
    }
  }
  if (!socket?.connected) {
    text = "Offline: messages are sent when the connection is back.";
    state.classList.add("warn");
  }
  const problem = composerProblem($("message").value.trim());
  if (problem) {
    text = problem;
    state.classList.remove("warn");
    state.classList.add("bad");
  }
  state.textContent = text;
  $("send").disabled = busy;
}

/** Screen readers hear new messages from others here (the log itself is rebuilt, so it is not live). */
export function announce(text) {
  $("announce").textContent = text;
}

function autoSize() {
  const box = $("message");
  box.style.height = "auto";
  box.style.height = Math.min(box.scrollHeight, 140) + "px";
}
