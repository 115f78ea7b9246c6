// A companion's chats (choose, start, rename, delete), who the user speaks as, and the memory and persona
// panels (companion-panels.js); under its messages: swipe arrows with n/m, regenerate, and edit.
// The bar is rebuilt only when what it shows changes, so a half-typed title keeps its focus.
import { api } from "./api.js";
import { $, el } from "./dom.js";
import { call, clearBanner, showBanner } from "./connection.js";
import { sentence } from "./names.js";
import { companions, current, newCompanion } from "./state.js";
import { loadCompanion, mergeMessages, regenerate } from "./companions.js";
import { renderLog, scheduleRender } from "./views.js";
import { panelButtons, personas, renderPanels } from "./companion-panels.js";

let bar = null;
let shown = ""; // what the bar was last built from
let mode = null; // null | "rename" | "delete"

export function renderCompanionBar() {
  if (!bar) {
    bar = el("div", { id: "companion-bar", className: "companion-bar" });
    document.querySelector("#chat-view .view-head").after(bar);
  }
  const companion = current.kind === "companion" ? companions.get(current.id) : null;
  bar.hidden = !companion;
  renderPanels(companion);
  if (!companion) return;
  if (!companion.conversations && !companion.listing) listConversations(companion);
  const key = JSON.stringify([companion.id, companion.conversationId, companion.conversations, companion.conversation?.personaId,
    personas.list, mode]);
  if (key === shown) return;
  shown = key;
  bar.replaceChildren(...(mode ? editRow(companion) : mainRow(companion)));
}

function mainRow(companion) {
  const list = companion.conversations || [];
  const chat = el("select", { id: "companion-chat", onchange: (e) => loadCompanion(companion, Number(e.target.value)) },
    list.map((c) => el("option", { value: c.id, selected: c.id === companion.conversationId }, titleOf(c))));
  const persona = el("select", { id: "companion-persona", onchange: (e) => choosePersona(companion, e.target.value) },
    el("option", { value: "" }, "Yourself"),
    (personas.list || []).map((p) => el("option", { value: p.id, selected: p.id === companion.conversation?.personaId }, p.name)));
  return [
    el("label", { htmlFor: "companion-chat", className: "small" }, "Chat"), chat,
    el("button", { type: "button", className: "secondary small", onclick: () => newChat(companion) }, "New chat"),
    el("button", { type: "button", className: "secondary small", onclick: () => setMode("rename") }, "Rename"),
    el("button", { type: "button", className: "secondary small", onclick: () => setMode("delete") }, "Delete chat"),
    el("label", { htmlFor: "companion-persona", className: "small" }, "Speak as"), persona,
    ...panelButtons(),
  ];
}

function editRow(companion) {
  if (mode === "delete") {
    return [el("span", { className: "small" }, `Delete “${titleOf(companion.conversation)}” and its messages?`),
      el("button", { type: "button", className: "danger small", onclick: () => deleteChat(companion) }, "Yes, delete"),
      el("button", { type: "button", className: "secondary small", onclick: () => setMode(null) }, "Keep it")];
  }
  const input = el("input", { id: "companion-title", maxLength: 100, value: companion.conversation?.title || "",
    onkeydown: (e) => {
      if (e.key === "Enter") rename(companion, input.value);
      if (e.key === "Escape") setMode(null);
    } });
  queueMicrotask(() => input.focus());
  return [el("label", { htmlFor: "companion-title", className: "small" }, "Rename to"), input,
    el("button", { type: "button", className: "primary small", onclick: () => rename(companion, input.value) }, "Save title"),
    el("button", { type: "button", className: "secondary small", onclick: () => setMode(null) }, "Cancel")];
}

function setMode(next) {
  mode = next;
  scheduleRender();
}

export function titleOf(c) {
  if (!c) return "";
  return c.title || "Chat of " + new Date(c.createdAt).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

export async function listConversations(companion) {
  companion.listing = true;
  const ack = await call("companion:conversations", { characterId: companion.id });
  companion.listing = false;
  if (ack.ok) {
    companion.conversations = ack.conversations;
    scheduleRender();
  }
}

/** A conversation started, renamed or given a persona, here or on another device. */
export async function conversationChanged(conversation) {
  let companion = companions.get(conversation.characterId);
  if (!companion) { // started on another device: it joins the sidebar here too
    try {
      const { character } = await api.character(conversation.characterId);
      companion = companions.get(character.id) ?? newCompanion(character);
      companions.set(character.id, companion);
    } catch {
      return;
    }
  }
  companion.activity = conversation.activityAt;
  if (companion.conversations) {
    const rest = companion.conversations.filter((c) => c.id !== conversation.id);
    companion.conversations = [conversation, ...rest].sort((a, b) => b.activityAt.localeCompare(a.activityAt));
  }
  if (companion.conversationId === conversation.id) companion.conversation = conversation;
  scheduleRender();
}

export function conversationDeleted({ characterId, conversationId }) {
  const companion = companions.get(characterId);
  if (!companion) return;
  if (companion.conversations) companion.conversations = companion.conversations.filter((c) => c.id !== conversationId);
  if (companion.conversationId === conversationId) {
    companion.conversationId = null;
    companion.messages = [];
    if (current.kind === "companion" && current.id === characterId) loadCompanion(companion, undefined);
    else companion.opened = false;
  }
  scheduleRender();
}

async function newChat(companion) {
  const ack = await call("companion:new", { characterId: companion.id });
  if (!ack.ok) return showBanner("Could not start a new chat: " + sentence(ack.error.message), "bad");
  conversationChanged(ack.conversation);
  await loadCompanion(companion, ack.conversation.id);
  $("message").focus();
}

async function rename(companion, title) {
  const ack = await call("companion:rename", { conversationId: companion.conversationId, title });
  if (!ack.ok) return showBanner("Could not rename: " + sentence(ack.error.message), "bad");
  mode = null;
  conversationChanged(ack.conversation);
  $("companion-chat")?.focus();
}

async function deleteChat(companion) {
  const ack = await call("companion:delete", { conversationId: companion.conversationId });
  mode = null;
  if (!ack.ok) return showBanner("Could not delete: " + sentence(ack.error.message), "bad");
  conversationDeleted(ack);
}

async function choosePersona(companion, value) {
  const ack = await call("companion:persona", { conversationId: companion.conversationId, personaId: value ? Number(value) : null });
  if (!ack.ok) return showBanner("Could not change the persona: " + sentence(ack.error.message), "bad");
  conversationChanged(ack.conversation);
}

/** Swipe arrows (the last message), Regenerate (the last reply) and Edit under one message. */
export function messageControls(companion, m, last, busy) {
  const node = el("div", { className: "msg-actions companion-actions" });
  if (companion.editing?.id === m.id) return editForm(companion, m, node);
  const first = companion.messages[0]?.id === m.id;
  const reply = m.role === "assistant";
  if (m.swipes > 1 && last) {
    node.append(
      el("button", { type: "button", className: "icon small", ariaLabel: "Previous reply", disabled: busy || m.swipe === 0,
        onclick: () => swipe(companion, m, m.swipe - 1) }, "‹"),
      el("span", { className: "swipe-count small", ariaLabel: `reply ${m.swipe + 1} of ${m.swipes}` }, `${m.swipe + 1}/${m.swipes}`),
      el("button", { type: "button", className: "icon small", ariaLabel: "Next reply", disabled: busy || m.swipe + 1 >= m.swipes,
        onclick: () => swipe(companion, m, m.swipe + 1) }, "›"));
  }
  if (last && reply && !first) {
    node.append(el("button", { type: "button", className: "link small", disabled: busy, onclick: () => regenerate(companion) }, "Regenerate"));
  }
  if (!busy) {
    node.append(el("button", { type: "button", className: "link small",
      ariaLabel: reply ? `Edit ${companion.name}'s reply` : "Edit your words",
      onclick: () => { companion.editing = { id: m.id, text: m.content }; scheduleRender(); } }, "Edit"));
  }
  return node;
}

function editForm(companion, m, node) {
  const text = el("textarea", { id: "companion-edit", rows: 3, value: companion.editing.text,
    oninput: (e) => { companion.editing.text = e.target.value; },
    onkeydown: (e) => { if (e.key === "Escape") cancelEdit(companion); } });
  const focused = document.activeElement?.id === "companion-edit" || !companion.editing.shown;
  companion.editing.shown = true;
  if (focused) queueMicrotask(() => text.focus()); // the log is rebuilt on each change
  const index = companion.messages.findIndex((x) => x.id === m.id);
  const nearEnd = m.role === "user" && index >= companion.messages.length - 2;
  node.classList.add("editing");
  node.append(el("label", { htmlFor: "companion-edit", className: "visually-hidden" }, "Edit text"), text,
    el("button", { type: "button", className: "primary small", onclick: () => saveEdit(companion, m, false) }, "Save"),
    nearEnd ? el("button", { type: "button", className: "secondary small", onclick: () => saveEdit(companion, m, true) }, "Save and continue") : null,
    el("button", { type: "button", className: "secondary small", onclick: () => cancelEdit(companion) }, "Cancel"));
  return node;
}

function cancelEdit(companion) {
  companion.editing = null;
  renderLog({});
}

async function saveEdit(companion, m, andContinue) {
  const ack = await call("companion:edit", { conversationId: companion.conversationId, messageId: m.id, text: companion.editing.text });
  if (!ack.ok) return showBanner("Could not save the edit: " + sentence(ack.error.message), "bad");
  clearBanner();
  companion.editing = null;
  mergeMessages(companion, [ack.message]);
  renderLog({});
  // continue: a reply to the edited words, or another take on the reply after them
  if (andContinue) regenerate(companion);
}

async function swipe(companion, m, index) {
  const ack = await call("companion:swipe", { conversationId: companion.conversationId, messageId: m.id, swipe: index });
  if (!ack.ok) return showBanner("Could not swipe: " + sentence(ack.error.message), "bad");
  mergeMessages(companion, [ack.message]);
  renderLog({});
}
