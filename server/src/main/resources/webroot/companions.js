// AI companions: the gallery, a conversation with one, and its reply streaming in; swipes, edits and
// regenerated replies (companion-bar.js: the conversations, persona and memory of a character).
import { api } from "./api.js";
import { characterApi } from "./character-api.js";
import { messageControls } from "./companion-bar.js";
import { $, el, initials } from "./dom.js";
import { call, clearBanner, countdown, showBanner } from "./connection.js";
import { renderPartialMarkdown } from "./markdown.js";
import { fillNames, sentence } from "./names.js";
import { companions, current, isOpen, me, newCompanion } from "./state.js";
import { NEAR_BOTTOM_PX, bubble, renderComposer, renderHead, renderLog, renderNav, scheduleRender, show } from "./views.js";

let characters = [];
let nextBefore = null; // the server pages the gallery; null once the last page is in

export function initCompanions() {
  $("gallery-button").addEventListener("click", () => { show({ kind: "gallery" }); loadCharacters(); });
  $("welcome-gallery").addEventListener("click", () => { show({ kind: "gallery" }); loadCharacters(); });
  $("gallery-more").addEventListener("click", loadMoreCharacters);
  $("gallery-search").addEventListener("submit", (e) => { e.preventDefault(); loadCharacters(); });
}

/** The gallery's search: a part of the name and a tag, as the form says. */
const search = () => ({ q: $("gallery-q").value.trim(), tag: $("gallery-tag").value.trim() });

export async function loadCharacters() {
  $("gallery-state").textContent = "Loading companions…";
  try {
    const wanted = search();
    const page = await characterApi.gallery(wanted);
    characters = page.characters;
    nextBefore = page.nextBefore ?? null;
    $("gallery-state").textContent = characters.length ? "" : wanted.q || wanted.tag ? "No companion found." : "No companions yet.";
  } catch (e) {
    $("gallery-state").textContent = "Could not load the companions: " + e.message;
  }
  if (current.kind === "gallery") renderGallery();
}

async function loadMoreCharacters() {
  if (!nextBefore) return;
  const more = $("gallery-more");
  more.disabled = true;
  try {
    const page = await characterApi.gallery({ ...search(), before: nextBefore });
    const known = new Set(characters.map((c) => c.id));
    characters = characters.concat(page.characters.filter((c) => !known.has(c.id)));
    nextBefore = page.nextBefore ?? null;
  } catch (e) {
    $("gallery-state").textContent = "Could not load more companions: " + e.message;
  } finally {
    more.disabled = false;
  }
  if (current.kind === "gallery") renderGallery();
}

export function avatarOf(character, size, className) {
  if (!character.hasAvatar) return initials(character.name, size, className);
  return el("img", { className, src: `/api/characters/${encodeURIComponent(character.id)}/avatar`, alt: "", width: size, height: size, loading: "lazy" });
}

export function renderGallery() {
  $("gallery-count").textContent = characters.length ? `${characters.length}${nextBefore ? "+" : ""} to talk with` : "";
  $("gallery-more").hidden = !nextBefore;
  $("gallery").replaceChildren(...characters.map((c) => el("li", { className: "card" },
    avatarOf(c, undefined, "art"),
    el("div", { className: "body" },
      el("h3", {}, c.name),
      el("p", {}, fillNames(c.description, c.name)),
      c.tags?.length ? el("div", { className: "tags" }, c.tags.slice(0, 4).map((t) => el("span", { className: "tag" }, t))) : null,
      el("div", { className: "meta" },
        el("span", { className: "views" }, `${c.views} ${c.views === 1 ? "view" : "views"}`),
        el("button", { className: "primary small", onclick: () => openCompanion(c) }, "Chat with " + c.name))))));
}

export async function openCompanion(character) {
  let companion = companions.get(character.id);
  if (!companion) {
    companion = newCompanion(character);
    companions.set(character.id, companion);
  }
  show({ kind: "companion", id: character.id });
  api.character(character.id).then((r) => { companion.description = r.character.description || companion.description; renderHead(); })
    .catch(() => {}); // records the view; the gallery's short description is enough when it fails
  if (!companion.opened) await loadCompanion(companion);
}

const PAGE = 50; // messages per history page

// The chat last opened with each character comes back after a reload, on this device.
const LAST_CHAT_KEY = "nexus.companionChat.";
const lastChatKey = (companion) => LAST_CHAT_KEY + me()?.id + "." + companion.id;

/** Opens a conversation with the companion: the one asked for, else the last one opened here, else the most recent. */
export async function loadCompanion(companion, conversationId = companion.conversationId) {
  const saved = conversationId === undefined ? Number(localStorage.getItem(lastChatKey(companion))) || undefined : undefined;
  let ack = await call("companion:open", { characterId: companion.id, conversationId: conversationId ?? saved, limit: PAGE });
  if (!ack.ok && saved && ack.error.code === "NOT_FOUND") { // deleted since, maybe on another device
    localStorage.removeItem(lastChatKey(companion));
    ack = await call("companion:open", { characterId: companion.id, limit: PAGE });
  }
  if (!ack.ok) {
    if (isOpen("companion", companion.id)) showBanner("Could not open the conversation: " + sentence(ack.error.message), "bad");
    return;
  }
  const switched = companion.conversationId !== ack.conversation.id;
  companion.opened = true;
  companion.conversationId = ack.conversation.id;
  companion.conversation = ack.conversation;
  localStorage.setItem(lastChatKey(companion), String(ack.conversation.id));
  companion.memory = ack.memory;
  companion.complete = ack.messages.length < PAGE;
  if (switched) {
    companion.messages = [];
    companion.pending = null;
    companion.failedReply = null;
    companion.editing = null;
  }
  mergeMessages(companion, ack.messages);
  if (companion.messages.at(-1)?.role === "assistant") companion.failedReply = null; // the reply was stored after all
  renderNav();
  if (isOpen("companion", companion.id)) {
    renderHead();
    renderLog({ toBottom: true });
  }
}

/** Adds or replaces messages by id (a swipe or an edit changes one in place), oldest first. */
export function mergeMessages(companion, messages) {
  for (const m of messages) {
    const at = companion.messages.findIndex((known) => known.id === m.id);
    if (at >= 0) companion.messages[at] = m;
    else companion.messages.push(m);
  }
  companion.messages.sort((a, b) => a.id - b.id);
}

async function loadOlder(companion) {
  const first = companion.messages[0];
  if (!first || companion.loadingOlder) return;
  companion.loadingOlder = true;
  const ack = await call("companion:open", { characterId: companion.id, conversationId: companion.conversationId, before: first.id, limit: PAGE });
  companion.loadingOlder = false;
  if (!ack.ok) {
    showBanner("Could not load earlier messages: " + sentence(ack.error.message), "bad");
    return;
  }
  companion.complete = ack.messages.length < PAGE;
  mergeMessages(companion, ack.messages);
  if (isOpen("companion", companion.id)) renderLog({ keepTop: true });
}

export async function sendToCompanion(companion, text) {
  companion.pending = { text, state: "pending" };
  companion.failedReply = null;
  renderLog({ toBottom: true });
  const ack = await call("companion:message", { characterId: companion.id, conversationId: companion.conversationId ?? undefined, text });
  if (ack.ok) {
    companion.conversationId ??= ack.conversationId;
    mergeMessages(companion, [{ id: ack.messageId, role: "user", content: text, createdAt: new Date().toISOString(), swipe: 0, swipes: 1 }]);
    companion.pending = null;
    companion.stream ??= { messageId: ack.messageId, text: "" };
    clearBanner();
  } else if (["AI_BUSY", "RATE_LIMITED"].includes(ack.error.code)) {
    // Nothing was stored: send the same words again when the server says a slot may be free.
    companion.pending.state = "waiting";
    const wait = Math.max(1, Number(ack.error.retryAfter) || 2);
    const who = companion.name;
    countdown(wait, (s) => (ack.error.code === "AI_BUSY"
      ? `${who} is busy, retrying in ${s} s` : `Too many messages, retrying in ${s} s`),
    () => { if (companion.pending?.state === "waiting") sendToCompanion(companion, text); });
  } else {
    // QUOTA_EXCEEDED and AI_UPSTREAM come in words meant for the user (the renewal time, or who cannot answer)
    companion.pending.state = "failed";
    companion.pending.error = sentence(ack.error.message) + renewal(ack.error);
  }
  scheduleRender();
}

/** " (in your time: …)" for an error that says when it ends, else "". */
function renewal(error) {
  if (error.code !== "QUOTA_EXCEEDED" || !error.resetAt) return "";
  const at = new Date(error.resetAt);
  return Number.isNaN(at.getTime()) ? "" : ` (your time: ${at.toLocaleString([], { dateStyle: "medium", timeStyle: "short" })})`;
}

/** Another reply to the end of the conversation: a new swipe of the last reply, or the reply that failed. */
export async function regenerate(companion) {
  companion.failedReply = null;
  const ack = await call("companion:regenerate", { characterId: companion.id, conversationId: companion.conversationId });
  if (ack.ok) {
    companion.stream ??= { messageId: ack.messageId, text: "" };
    clearBanner();
  } else {
    showBanner(ack.error.code === "AI_UPSTREAM" ? sentence(ack.error.message)
      : `${companion.name} could not answer again: ${sentence(ack.error.message)}${renewal(ack.error)}`, "bad");
  }
  scheduleRender();
}

export function interruptStream(companion) {
  companion.failedReply = { text: companion.stream.text, error: { message: "The connection dropped during the reply." } };
  companion.stream = null;
  loadCompanion(companion);
}

export function companionItems(companion) {
  const items = [];
  if (!companion.opened) items.push(el("li", { className: "note" }, "Opening the conversation…"));
  else if (!companion.complete && companion.messages.length) {
    items.push(el("li", { className: "note" }, el("button", { className: "link", onclick: () => loadOlder(companion) }, "Show earlier")));
  }
  const busy = Boolean(companion.stream || companion.pending);
  companion.messages.forEach((m, i) => {
    const mine = m.role === "user";
    const item = bubble({ id: m.id, mine, who: mine ? null : companion.name, text: m.content, time: m.createdAt });
    item.append(messageControls(companion, m, i === companion.messages.length - 1, busy));
    items.push(item);
  });
  if (companion.pending) {
    const p = companion.pending;
    items.push(bubble({ mine: true, text: p.text, state: p.state, error: p.error, retry: () => sendToCompanion(companion, p.text) }));
  }
  if (companion.stream) items.push(streamBubble(companion));
  if (companion.failedReply) {
    const lastUser = [...companion.messages].reverse().find((m) => m.role === "user");
    const error = companion.failedReply.error;
    // the server's AI_UPSTREAM message already says who cannot answer and why
    const said = error.code === "AI_UPSTREAM" ? sentence(error.message) : `${companion.name} could not finish: ${sentence(error.message)}`;
    items.push(el("li", { className: "note" }, said + " ",
      lastUser ? el("button", { className: "link", onclick: () => regenerate(companion) }, "Ask again") : null));
  }
  return items;
}

function streamBubble(companion) {
  const node = bubble({ who: companion.name, text: "", state: "streaming" });
  node.id = "stream";
  node.querySelector(".bubble").replaceChildren(renderPartialMarkdown(companion.stream.text || "…"));
  return node;
}

// Tokens arrive faster than frames: the reply so far is parsed again once per frame at most, and only its
// bubble's content changes (the list item stays, so nothing around it moves or flickers). A long reply costs
// more to parse: the next update waits in proportion, so the page stays responsive whatever the length.
let streamTimer = null;
let streamCost = 0; // ms the last update took
export function updateStream(companion) {
  if (streamTimer !== null) return;
  streamTimer = setTimeout(() => requestAnimationFrame(() => {
    streamTimer = null;
    if (!companion.stream || !isOpen("companion", companion.id)) return;
    const started = performance.now();
    const log = $("log");
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
    const existing = $("stream");
    if (existing) existing.querySelector(".bubble").replaceChildren(renderPartialMarkdown(companion.stream.text || "…"));
    else log.append(streamBubble(companion));
    if (atBottom) log.scrollTop = log.scrollHeight;
    renderComposer();
    streamCost = performance.now() - started;
  }), Math.min(500, streamCost * 3));
}
