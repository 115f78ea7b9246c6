// Notifications: the server's `notification` event (a mention of the user, or a direct message to them) shows
// a toast in the page, and a system notification when the page is hidden and the user allowed them (asked
// from the bell button, never on load).
import { $, el } from "./dom.js";
import { nameOf } from "./names.js";
import { openRoom } from "./rooms.js";
import { current, me, newRoom, rooms } from "./state.js";

const TOAST_MS = 6_000;
const MAX_TOASTS = 3;
const PREVIEW_CHARS = 120;

const preview = (text) => (text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) + "…" : text);

function titleOf(kind, roomId, message) {
  const who = nameOf(message.userId);
  return kind === "mention" ? `${who} mentioned you in #${roomId}` : `${who} sent you a message`;
}

function open(roomId) {
  if (!rooms.has(roomId)) rooms.set(roomId, newRoom(roomId));
  openRoom(roomId);
}

function toast(kind, roomId, message) {
  const box = $("toasts");
  const item = el("li", { className: `toast ${kind}` },
    el("button", { className: "toast-open", onclick: () => { item.remove(); open(roomId); } },
      el("strong", {}, titleOf(kind, roomId, message)),
      el("span", { className: "toast-text" }, preview(message.text))),
    el("button", { className: "icon toast-close", ariaLabel: "Dismiss", onclick: () => item.remove() }, "×"));
  box.append(item);
  while (box.children.length > MAX_TOASTS) box.firstElementChild.remove();
  setTimeout(() => item.remove(), TOAST_MS);
}

function systemNotification(kind, roomId, message) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  try {
    const n = new Notification(titleOf(kind, roomId, message), { body: preview(message.text), tag: roomId });
    n.onclick = () => { window.focus(); open(roomId); n.close(); };
  } catch {
    // some mobile browsers only notify from a service worker: the toast is there anyway
  }
}

function renderBell() {
  const bell = $("bell-button");
  if (!bell) return;
  const supported = "Notification" in window;
  const state = supported ? Notification.permission : "unsupported";
  bell.hidden = !supported;
  bell.setAttribute("aria-pressed", String(state === "granted"));
  bell.title = state === "granted" ? "Notifications are on" : state === "denied" ? "Notifications are blocked in the browser's settings" : "Turn on notifications";
  bell.setAttribute("aria-label", bell.title);
}

export function attachNotifications(socket) {
  socket.on("notification", ({ kind, roomId, message }) => {
    if (!message || message.userId === me()?.id) return;
    const visible = document.visibilityState === "visible";
    const looking = visible && current.kind === "room" && current.id === roomId && document.hasFocus();
    if (!looking) toast(kind, roomId, message);
    if (!visible) systemNotification(kind, roomId, message);
  });
}

/** A bell drawn as SVG: emoji fonts are not everywhere. */
function bellIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

export function initNotifications() {
  $("app").append(el("ol", { id: "toasts", className: "toasts", ariaLive: "polite", ariaLabel: "Notifications" }));
  const bell = el("button", { id: "bell-button", className: "icon bell", type: "button" }, bellIcon());
  bell.addEventListener("click", async () => {
    if (!("Notification" in window)) return;
    if (Notification.permission === "default") await Notification.requestPermission();
    renderBell();
  });
  $("logout-button").before(bell);
  renderBell();
}
