// What people do to room messages once sent: a menu on each message (React, Reply, Edit, Delete), the
// quote of a reply above the composer and in the message, "(edited)" and "Message deleted", and reaction
// chips that toggle. The log is rebuilt on each render, so what is open (a menu, the emoji picker, a
// confirmation) lives here and is drawn again; the focus goes back to the same control after a render.
import { $, el } from "./dom.js";
import { call, flash, socket } from "./connection.js";
import { nameOf, sentence } from "./names.js";
import { current, me, rooms } from "./state.js";
import { scheduleRender } from "./views.js";

/** The picker's choice; any other emoji or :name: works over the socket too (see the README). */
export const PICKER_EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🎉", "🙏", "👀"];
const QUOTE_SHOWN = 120; // characters of a quote shown above the composer and in a message

let menu = null; // {roomId, id, view: "actions" | "picker" | "confirm"}
let focusKey = null; // the control to focus after the next render, e.g. "menu:42"
let composing = null; // {mode: "reply" | "edit", roomId, message}
const mine = new Map(); // `${messageId} ${emoji}` -> whether our reaction is there, from our own acks

export function initMessageActions() {
  $("composer-cancel").addEventListener("click", () => cancelComposing());
  $("message").addEventListener("keydown", (event) => {
    if (event.key === "Escape" && composing) {
      event.preventDefault();
      cancelComposing();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu) {
      const key = `menu:${menu.id}`;
      menu = null;
      focusKey = key;
      scheduleRender();
    }
  });
}

/** The server's message:updated: the stored message changed (edited, deleted, reacted to). */
export function messageUpdated(message) {
  const room = rooms.get(message.roomId);
  if (!room) return;
  applyUpdate(room, message);
  scheduleRender();
}

function applyUpdate(room, message) {
  const before = room.messages.get(message.id);
  if (before) {
    // history's myReactions (our own reactions its lists do not show) outlive live updates
    if (before.myReactions && !message.myReactions) message.myReactions = before.myReactions;
    room.messages.set(message.id, message);
  }
  // quotes of it in replies follow it, as history will show them
  for (const m of room.messages.values()) {
    if (m.replyTo?.id === message.id) {
      m.replyTo = { ...m.replyTo, text: message.deletedAt ? "" : [...message.text].slice(0, 200).join("") };
    }
  }
  if (composing?.message.id === message.id) {
    if (message.deletedAt) cancelComposing();
    else composing.message = message;
  }
}

/** What sendToRoom should do with the composer's text: null, or {mode, message} (taken, so used once). */
export function takeComposing(roomId) {
  if (!composing || composing.roomId !== roomId) return null;
  const taken = composing;
  composing = null;
  renderComposing();
  return taken;
}

/** The quote a reply carries, shown on our pending copy until the server's comes back. */
export const quoteOf = (message) => ({ id: message.id, userId: message.userId, text: message.deletedAt ? "" : message.text });

export async function editMessage(room, message, text) {
  if (text === message.text) return;
  const ack = await call("message:edit", { roomId: room.id, messageId: message.id, text });
  if (ack.ok) applyUpdate(room, ack.message);
  else flash("Could not edit: " + sentence(ack.error.message), "bad");
  scheduleRender();
}

/** The extras of a stored room message, added to its bubble (views.js builds the rest). */
export function decorate(item, room, m) {
  const bubble = item.querySelector(".bubble");
  if (m.deletedAt) {
    item.classList.add("deleted");
    bubble.textContent = "Message deleted";
  } else if (m.editedAt) {
    bubble.append(" ", el("span", { className: "edited" }, "(edited)"));
  }
  if (m.replyTo) bubble.before(quote(room, m.replyTo));
  // reactions and the menu button share one row under the bubble
  const chips = reactions(room, m);
  const menuRow = !m.deletedAt && socket?.connected && room.joined ? actions(room, m) : null;
  if (chips || menuRow) item.append(el("div", { className: "msg-foot" }, chips, menuRow));
  if (focusKey) {
    const target = item.querySelector(`[data-key="${focusKey}"]`);
    if (target) {
      focusKey = null;
      queueMicrotask(() => target.focus());
    }
  }
  return item;
}

/** Our pending reply shows its quote too. */
export function decoratePending(item, room, local) {
  if (local.replyTo) item.querySelector(".bubble").before(quote(room, local.replyTo));
  return item;
}

function short(text) {
  const chars = [...text];
  return chars.length > QUOTE_SHOWN ? chars.slice(0, QUOTE_SHOWN).join("") + "…" : text;
}

function quote(room, replyTo) {
  const text = replyTo.text ? short(replyTo.text) : "Message deleted";
  return el("button", {
    type: "button", className: "quote" + (replyTo.text ? "" : " gone"),
    ariaLabel: `Reply to ${nameOf(replyTo.userId)}: ${text}. Show the original`,
    onclick: () => scrollToOriginal(room, replyTo.id),
  }, el("span", { className: "quote-who" }, nameOf(replyTo.userId)), el("span", { className: "quote-text" }, text));
}

function scrollToOriginal(room, id) {
  const target = $("log").querySelector(`li.msg[data-id="${id}"]`);
  if (!target) {
    flash("The original message is further back: scroll up to load it.");
    return;
  }
  target.scrollIntoView({ block: "center", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  target.classList.add("highlight");
  setTimeout(() => target.classList.remove("highlight"), 1600);
}

function isMine(m, r) {
  const known = mine.get(`${m.id} ${r.emoji}`);
  if (known !== undefined) return known;
  return (r.userIds || []).includes(me().id) || (m.myReactions || []).includes(r.emoji);
}

function reactions(room, m) {
  if (!m.reactions?.length) return null;
  return el("div", { className: "reactions", role: "group", ariaLabel: "Reactions" }, ...m.reactions.map((r) => {
    const pressed = isMine(m, r);
    return el("button", {
      type: "button", className: "chip" + (pressed ? " mine" : ""), ariaPressed: String(pressed),
      ariaLabel: `${r.emoji} ${r.count}${pressed ? ", including you" : ""}: ${pressed ? "take back" : "react too"}`,
      dataset: { key: `chip:${m.id}:${r.emoji}` },
      onclick: () => react(room, m, r.emoji, `chip:${m.id}:${r.emoji}`),
    }, el("span", { ariaHidden: "true" }, r.emoji), " ", el("span", { className: "count" }, r.count));
  }));
}

async function react(room, m, emoji, key) {
  menu = null;
  focusKey = key;
  const ack = await call("message:react", { roomId: room.id, messageId: m.id, emoji });
  if (ack.ok) {
    mine.set(`${m.id} ${emoji}`, ack.reacted);
    applyUpdate(room, ack.message);
    if (!ack.reacted || !key.startsWith("chip:")) focusKey = `menu:${m.id}`;
  } else {
    flash("Could not react: " + sentence(ack.error.message), "bad");
  }
  scheduleRender();
}

function actions(room, m) {
  const open = menu && menu.roomId === room.id && menu.id === m.id;
  const own = m.userId === me().id;
  const toggle = el("button", {
    type: "button", className: "menu-button", ariaLabel: "Actions", ariaHasPopup: "true",
    ariaExpanded: String(Boolean(open)), dataset: { key: `menu:${m.id}` },
    onclick: () => {
      menu = open ? null : { roomId: room.id, id: m.id, view: "actions" };
      focusKey = open ? `menu:${m.id}` : `first:${m.id}`;
      scheduleRender();
    },
  }, "⋯");
  if (!open) return el("div", { className: "msg-actions" }, toggle);
  const choose = (view) => () => {
    menu = { ...menu, view };
    focusKey = `first:${m.id}`;
    scheduleRender();
  };
  let items;
  if (menu.view === "picker") {
    items = PICKER_EMOJI.map((emoji, i) => el("button", {
      type: "button", className: "emoji", ariaLabel: `React with ${emoji}`,
      dataset: i === 0 ? { key: `first:${m.id}` } : undefined,
      onclick: () => react(room, m, emoji, `menu:${m.id}`),
    }, emoji));
  } else if (menu.view === "confirm") {
    items = [
      el("span", { className: "confirm" }, "Delete this message?"),
      el("button", { type: "button", className: "danger", dataset: { key: `first:${m.id}` }, onclick: () => remove(room, m) }, "Delete"),
      el("button", { type: "button", onclick: () => closeMenu(m) }, "Cancel"),
    ];
  } else {
    items = [
      el("button", { type: "button", dataset: { key: `first:${m.id}` }, onclick: choose("picker") }, "React"),
      el("button", { type: "button", onclick: () => startComposing("reply", room, m) }, "Reply"),
      own ? el("button", { type: "button", onclick: () => startComposing("edit", room, m) }, "Edit") : null,
      own ? el("button", { type: "button", onclick: choose("confirm") }, "Delete") : null,
    ];
  }
  return el("div", { className: "msg-actions open" }, toggle,
    el("div", { className: "menu", role: "group", ariaLabel: menu.view === "picker" ? "Pick a reaction" : "Actions" }, ...items));
}

function closeMenu(m) {
  menu = null;
  focusKey = `menu:${m.id}`;
  scheduleRender();
}

async function remove(room, m) {
  menu = null;
  const ack = await call("message:delete", { roomId: room.id, messageId: m.id });
  if (ack.ok) applyUpdate(room, ack.message);
  else flash("Could not delete: " + sentence(ack.error.message), "bad");
  $("message").focus();
  scheduleRender();
}

function startComposing(mode, room, m) {
  menu = null;
  composing = { mode, roomId: room.id, message: m };
  if (mode === "edit") $("message").value = m.text;
  $("message").dispatchEvent(new Event("input"));
  renderComposing();
  scheduleRender();
  $("message").focus();
}

function cancelComposing() {
  if (composing?.mode === "edit") $("message").value = "";
  composing = null;
  renderComposing();
}

/** The bar above the composer: what the next send replies to, or which message it edits. */
export function renderComposing() {
  const bar = $("composer-context");
  const shown = composing && current.kind === "room" && current.id === composing.roomId;
  bar.hidden = !shown;
  $("send").textContent = shown && composing.mode === "edit" ? "Save" : "Send";
  if (!shown) return;
  const { mode, message } = composing;
  $("composer-context-text").replaceChildren(
    el("strong", {}, mode === "edit" ? "Editing your message" : `Replying to ${nameOf(message.userId)}`),
    " ", el("span", { className: "muted" }, short(message.deletedAt ? "" : message.text)));
  $("composer-cancel").ariaLabel = mode === "edit" ? "Cancel editing" : "Cancel the reply";
}
