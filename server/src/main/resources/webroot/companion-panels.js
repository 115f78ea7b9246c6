// The panels under a companion's bar: its memory in this chat (the summary the AI keeps, editable, and the
// facts pinned by the user) and the user's personas (who they are to a character: a name and a description).
import { authed } from "./api.js";
import { $, el } from "./dom.js";
import { call, clearBanner, showBanner } from "./connection.js";
import { sentence } from "./names.js";
import { scheduleRender } from "./views.js";

export const personas = { list: null, loading: false };

let panel = null; // null | "memory" | "personas"
let node = null;
let shown = "";
let editing = null; // the persona being edited: {id?, name, description}

export function panelButtons() {
  return [["personas", "Personas"], ["memory", "Memory"]].map(([which, label]) =>
    el("button", { type: "button", className: "secondary small" + (panel === which ? " active" : ""), ariaExpanded: String(panel === which),
      ariaControls: "companion-panel", onclick: () => toggle(which) }, label));
}

function toggle(which) {
  panel = panel === which ? null : which;
  editing = null;
  scheduleRender();
}

export async function loadPersonas() {
  if (personas.loading) return;
  personas.loading = true;
  try {
    personas.list = (await authed("/api/me/personas")).personas;
  } catch {
    personas.list ??= []; // the picker offers "Yourself" until the next try
  } finally {
    personas.loading = false;
  }
  scheduleRender();
}

export function renderPanels(companion) {
  if (!node) {
    node = el("section", { id: "companion-panel", className: "companion-panel", ariaLabel: "Companion settings" });
    $("companion-bar").after(node);
  }
  if (companion && personas.list === null) loadPersonas();
  node.hidden = !companion || !panel;
  if (node.hidden) {
    shown = "";
    return;
  }
  const key = JSON.stringify([panel, companion.conversationId, companion.memory, personas.list, editing && editing.id]);
  if (key === shown) return;
  shown = key;
  node.replaceChildren(...(panel === "memory" ? memoryPanel(companion) : personaPanel()));
}

function memoryPanel(companion) {
  const memory = companion.memory || { summary: null, pins: [] };
  const summary = el("textarea", { id: "memory-summary", rows: 4, maxLength: 4000, value: memory.summary || "" });
  const pins = el("textarea", { id: "memory-pins", rows: 3, value: (memory.pins || []).join("\n") });
  const save = async () => {
    const facts = pins.value.split("\n").map((p) => p.trim()).filter(Boolean);
    const ack = await call("companion:memory", { conversationId: companion.conversationId, summary: summary.value, pins: facts });
    if (!ack.ok) return showBanner("Could not save the memory: " + sentence(ack.error.message), "bad");
    clearBanner();
    companion.memory = ack.memory;
    shown = "";
    scheduleRender();
  };
  return [
    el("h3", {}, "Memory of this chat"),
    el("p", { className: "muted small" }, "When the chat outgrows what the AI can read at once, it writes a summary of the older part. Both go into every reply."),
    el("label", { htmlFor: "memory-summary" }, "Summary"), summary,
    el("label", { htmlFor: "memory-pins" }, "Pinned facts, one a line"), pins,
    el("div", { className: "row" }, el("button", { type: "button", className: "primary small", onclick: save }, "Save memory")),
  ];
}

function personaPanel() {
  const list = personas.list || [];
  const items = list.map((p) => el("li", {},
    el("strong", {}, p.name), " ", el("span", { className: "muted small" }, p.description),
    el("button", { type: "button", className: "link small", ariaLabel: `Edit ${p.name}`,
      onclick: () => { editing = { ...p }; shown = ""; scheduleRender(); } }, "Edit"),
    el("button", { type: "button", className: "link small", ariaLabel: `Delete ${p.name}`, onclick: () => removePersona(p) }, "Delete")));
  const draft = editing || { name: "", description: "" };
  const who = el("input", { id: "persona-who", maxLength: 64, value: draft.name });
  const about = el("textarea", { id: "persona-about", rows: 3, maxLength: 2000, value: draft.description });
  return [
    el("h3", {}, "Your personas"),
    el("p", { className: "muted small" }, "Who you are to a character: choose one per chat under “Speak as”."),
    items.length ? el("ul", { className: "persona-list" }, items) : el("p", { className: "muted small" }, "No personas yet."),
    el("label", { htmlFor: "persona-who" }, "Called"), who,
    el("label", { htmlFor: "persona-about" }, "About this persona"), about,
    el("div", { className: "row" },
      el("button", { type: "button", className: "primary small", onclick: () => savePersona(who.value, about.value) },
        editing ? "Save persona" : "Add persona"),
      editing ? el("button", { type: "button", className: "secondary small", onclick: () => { editing = null; shown = ""; scheduleRender(); } }, "Cancel") : null),
  ];
}

async function savePersona(name, description) {
  try {
    if (editing?.id) await authed(`/api/me/personas/${editing.id}`, { method: "PATCH", body: { name, description } });
    else await authed("/api/me/personas", { method: "POST", body: { name, description } });
  } catch (e) {
    return showBanner("Could not save the persona: " + sentence(e.message), "bad");
  }
  clearBanner();
  editing = null;
  shown = "";
  await loadPersonas();
}

async function removePersona(p) {
  try {
    await authed(`/api/me/personas/${p.id}`, { method: "DELETE" });
  } catch (e) {
    return showBanner("Could not delete the persona: " + sentence(e.message), "bad");
  }
  shown = "";
  await loadPersonas();
}
