// Message search: a panel opened from the top bar (or Ctrl/Cmd+K, or "/"), results from GET /api/search,
// and opening a result: its room, scrolled to the message (history "around" it), highlighted.
// Snippets arrive as text with the matches between U+E000 and U+E001: they become text nodes and <mark>s,
// never markup.
import { authed } from "./api.js";
import { call, showBanner } from "./connection.js";
import { $, el } from "./dom.js";
import { nameOf, sentence } from "./names.js";
import { otherMember } from "./people.js";
import { addMessage, joinRoom } from "./rooms.js";
import { current, newRoom, rooms, saveRooms } from "./state.js";
import { renderLog, show } from "./views.js";

const START = "\uE000";
const STOP = "\uE001";
const PAGE = 20;
const AROUND_PAGE = 25; // the message, 12 older and 12 newer ones
const NEWER = Math.floor((AROUND_PAGE - 1) / 2);
const NEAR_BOTTOM_PX = 60;

const found = { q: "", nextBefore: null, loading: false };
let highlight = null; // {roomId, id}: the message a result opened, marked in the log

export function initSearch() {
  const button = el("button", { id: "search-button", className: "icon search-open", type: "button",
    ariaLabel: "Search", title: "Search messages (Ctrl+K or /)", onclick: () => (panelOpen() ? closePanel() : openPanel()) }, magnifier());
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "search-panel");
  button.setAttribute("aria-keyshortcuts", "Control+K Meta+K /");
  $("me").before(button);
  $("app").append(panel());

  document.addEventListener("keydown", (event) => {
    if ($("app").hidden) return;
    const typing = event.target.closest?.("input, textarea, [contenteditable]");
    if ((event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey) && !event.altKey) {
      event.preventDefault();
      openPanel();
    } else if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      openPanel();
    } else if (event.key === "Escape" && panelOpen()) {
      event.preventDefault();
      closePanel();
      $("search-button").focus();
    }
  });

  // The log is rebuilt on every render: the highlight goes back on the message each time.
  new MutationObserver(markHighlight).observe($("log"), { childList: true });
  $("log").addEventListener("scroll", () => {
    const log = $("log");
    if (current.kind === "room" && log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX) {
      loadNewer(rooms.get(current.id));
    }
  });
}

/** A magnifying glass (an inline drawing: no font has to have the glyph). */
function magnifier() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "22");
  svg.setAttribute("height", "22");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2.2");
  svg.setAttribute("stroke-linecap", "round");
  const circle = document.createElementNS(ns, "circle");
  circle.setAttribute("cx", "10.5");
  circle.setAttribute("cy", "10.5");
  circle.setAttribute("r", "6.5");
  const handle = document.createElementNS(ns, "path");
  handle.setAttribute("d", "M15.5 15.5 L21 21");
  svg.append(circle, handle);
  return svg;
}

function panel() {
  const form = el("form", { id: "search-form", className: "search-form", role: "search", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    runSearch($("search-input").value.trim(), null);
  } },
  // no label says "message": the composer is the page's "Message" box
  el("label", { htmlFor: "search-input", className: "visually-hidden" }, "Search text"),
  el("input", { id: "search-input", type: "search", maxLength: 200, placeholder: "Search your rooms", autocomplete: "off",
    spellcheck: false, enterKeyHint: "search" }),
  el("button", { type: "submit", className: "primary" }, "Search"));
  return el("section", { id: "search-panel", className: "search-panel", hidden: true, ariaLabel: "Search panel" },
    el("div", { className: "search-head" }, form,
      el("button", { type: "button", className: "icon search-close", ariaLabel: "Close search", onclick: () => {
        closePanel();
        $("search-button").focus();
      } }, "×")),
    el("p", { id: "search-status", className: "search-status muted", role: "status", ariaLive: "polite" }),
    el("ul", { id: "search-results", className: "search-results", ariaLabel: "Search results", onkeydown: moveFocus }),
    el("p", { className: "center" }, el("button", { id: "search-more", type: "button", className: "secondary", hidden: true,
      onclick: () => runSearch(found.q, found.nextBefore) }, "More results")));
}

const panelOpen = () => !$("search-panel").hidden;

function openPanel() {
  $("search-panel").hidden = false;
  $("search-button").setAttribute("aria-expanded", "true");
  $("search-input").focus();
  $("search-input").select();
}

function closePanel() {
  $("search-panel").hidden = true;
  $("search-button").setAttribute("aria-expanded", "false");
}

async function runSearch(q, before) {
  if (!q || found.loading) return;
  found.loading = true;
  const params = new URLSearchParams({ q, limit: String(PAGE) });
  if (before) params.set("before", String(before));
  if (!before) {
    $("search-results").replaceChildren();
    $("search-more").hidden = true;
  }
  status("Searching…");
  try {
    const answer = await authed("/api/search?" + params);
    found.q = q;
    found.nextBefore = answer.nextBefore;
    $("search-results").append(...answer.messages.map(resultItem));
    const shown = $("search-results").children.length;
    $("search-more").hidden = !answer.nextBefore;
    status(shown === 0 ? `No messages found for “${q}”.`
      : `${shown}${answer.nextBefore ? "+" : ""} ${shown === 1 ? "message" : "messages"} found for “${q}”.`);
  } catch (e) {
    status(e.code === "RATE_LIMITED" ? `Too many searches: try again in ${e.retryAfter || 60} s.`
      : "Search failed: " + sentence(e.message));
  } finally {
    found.loading = false;
  }
}

function status(text) {
  $("search-status").textContent = text;
}

function roomLabel(m) {
  return m.roomId.startsWith("dm:") ? "@ " + nameOf(otherMember(m.roomId)) : "# " + (m.roomName || m.roomId);
}

function resultItem(m) {
  const when = new Date(m.createdAt);
  const author = m.userName || nameOf(m.userId);
  return el("li", {}, el("button", { type: "button", className: "search-result", dataset: { id: m.id }, onclick: () => openResult(m) },
    el("span", { className: "search-meta" },
      el("span", { className: "search-room" }, roomLabel(m)),
      el("span", { className: "search-author" }, author),
      el("time", { dateTime: m.createdAt, className: "muted" },
        Number.isNaN(when.getTime()) ? "" : when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }))),
    el("span", { className: "search-snippet" }, snippetNodes(m.snippet || m.text))));
}

/** The snippet as text nodes, each match in a <mark>. */
export function snippetNodes(snippet) {
  const nodes = [];
  let text = "";
  let inMatch = false;
  const flush = () => {
    if (text) nodes.push(inMatch ? el("mark", {}, text) : document.createTextNode(text));
    text = "";
  };
  for (const ch of snippet) {
    if (ch === START || ch === STOP) {
      flush();
      inMatch = ch === START;
    } else {
      text += ch;
    }
  }
  flush();
  return nodes;
}

/** Arrow keys move between results. */
function moveFocus(event) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const buttons = [...$("search-results").querySelectorAll(".search-result")];
  const at = buttons.indexOf(document.activeElement);
  if (at < 0) return;
  event.preventDefault();
  buttons[Math.max(0, Math.min(buttons.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))].focus();
}

/** Opens the result's room at the message: the page of history around it, the message highlighted. */
async function openResult(m) {
  closePanel();
  let room = rooms.get(m.roomId);
  if (!room) {
    room = newRoom(m.roomId);
    rooms.set(m.roomId, room);
  }
  room.unread = 0;
  highlight = { roomId: m.roomId, id: m.id };
  show({ kind: "room", id: room.id });
  if (!room.joined) await joinRoom(room, { catchUp: true });
  saveRooms();
  if (!room.messages.has(m.id)) {
    const ack = await call("history", { roomId: room.id, around: m.id, limit: AROUND_PAGE });
    if (!ack.ok) {
      showBanner("Could not open that message: " + sentence(ack.error.message), "bad");
      return;
    }
    // The page starts a stretch of its own: older pages load above it, newer ones below (loadNewer).
    room.messages.clear();
    ack.messages.forEach((message) => addMessage(room, message));
    const newer = ack.messages.filter((message) => message.id > m.id).length;
    room.complete = ack.messages.length - newer < AROUND_PAGE - NEWER;
    room.newerMissing = newer === NEWER;
  }
  if (current.kind !== "room" || current.id !== room.id) return;
  renderLog({});
  const item = $("log").querySelector(`li[data-id="${m.id}"]`);
  if (item) {
    item.scrollIntoView({ block: "center" });
    item.tabIndex = -1;
    item.focus({ preventScroll: true });
  }
  $("announce").textContent = `Showing the message from ${m.userName || nameOf(m.userId)} in ${roomLabel(m)}.`;
}

/** After a jump into the past: the next messages, when scrolled to the bottom of what is loaded. */
async function loadNewer(room) {
  if (!room?.newerMissing || room.loadingNewer || room.messages.size === 0) return;
  room.loadingNewer = true;
  const newest = Math.max(...room.messages.keys());
  const ack = await call("history", { roomId: room.id, around: newest, limit: AROUND_PAGE });
  room.loadingNewer = false;
  if (!ack.ok) return;
  ack.messages.forEach((message) => addMessage(room, message));
  room.newerMissing = ack.messages.filter((message) => message.id > newest).length === NEWER;
  if (current.kind === "room" && current.id === room.id) {
    const top = $("log").scrollTop; // the reader stays where they are: the new page goes below
    renderLog({});
    $("log").scrollTop = top;
  }
}

function markHighlight() {
  if (!highlight || current.kind !== "room" || current.id !== highlight.roomId) return;
  const item = $("log").querySelector(`li[data-id="${highlight.id}"]`);
  if (item && !item.classList.contains("search-hit")) {
    item.classList.add("search-hit");
  }
}
