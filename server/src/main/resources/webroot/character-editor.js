// The character editor: a card's main fields, its visibility and picture, a live token estimate, export,
// duplicate and delete (after a confirmation). The list of one's own characters is my-characters.js.
import { characterApi } from "./character-api.js";
import { openCompanion } from "./companions.js";
import { $ } from "./dom.js";
import { me } from "./state.js";

// A line holding only this separates the alternate greetings in their box.
const GREETING_BREAK = "---";

const FIELDS = {
  "character-field-name": "name",
  "character-field-description": "description",
  "character-field-personality": "personality",
  "character-field-scenario": "scenario",
  "character-field-greeting": "first_mes",
  "character-field-examples": "mes_example",
  "character-field-system": "system_prompt",
};

// The buttons that act on a saved character.
const ACTIONS = ["character-chat", "character-export-json", "character-export-png", "character-duplicate", "character-delete"];

let editing = null; // the character being edited ({id, ...}), or null for a new one
let onChange = () => {};
let preview = null; // the object URL of the picture shown

/** The server's estimate (PromptBuilder.estimateTokens): Unicode code points / 4, rounded up. */
export function estimateTokens(text) {
  return Math.ceil([...(text || "")].length / 4);
}

export function initCharacterEditor(changed) {
  onChange = changed;
  const form = $("character-form");
  form.addEventListener("submit", (e) => { e.preventDefault(); save(); });
  form.addEventListener("input", renderTokens);
  $("character-picture").addEventListener("change", () => {
    const file = $("character-picture").files[0];
    if (file) showPicture(URL.createObjectURL(file));
  });
  $("character-export-json").addEventListener("click", () => download("json"));
  $("character-export-png").addEventListener("click", () => download("png"));
  $("character-duplicate").addEventListener("click", duplicate);
  $("character-chat").addEventListener("click", () => openCompanion({ id: editing.id, name: editing.name,
    hasAvatar: editing.hasAvatar, description: editing.card?.data?.description || "" }));
  $("character-delete").addEventListener("click", () => confirmDelete(true));
  $("character-delete-cancel").addEventListener("click", () => confirmDelete(false));
  $("character-delete-confirm").addEventListener("click", remove);
}

/** Opens the editor on a new card, or on a character of one's own (its full card read first). */
export async function editCharacter(id) {
  say("");
  confirmDelete(false);
  let character = null;
  if (id) {
    try {
      character = (await characterApi.get(id)).character;
    } catch (e) {
      say("Could not open the character: " + e.message);
      return;
    }
  }
  editing = character;
  const data = character?.card?.data || {};
  for (const [field, key] of Object.entries(FIELDS)) $(field).value = typeof data[key] === "string" ? data[key] : "";
  $("character-field-greetings").value = (data.alternate_greetings || []).join(`\n${GREETING_BREAK}\n`);
  $("character-field-tags").value = (data.tags || []).join(", ");
  $("character-field-visibility").value = character?.visibility || "private";
  $("character-picture").value = "";
  $("character-form-title").textContent = character ? "Edit " + character.name : "New character";
  for (const id of ACTIONS) $(id).hidden = !character;
  showPicture(null);
  if (character?.hasAvatar) characterApi.avatar(character.id).then((blob) => showPicture(URL.createObjectURL(blob))).catch(() => {});
  $("character-form").hidden = false;
  renderTokens();
  $("character-field-name").focus();
}

export function closeEditor() {
  editing = null;
  $("character-form").hidden = true;
  showPicture(null);
}

function renderTokens() {
  const prompt = ["description", "personality", "scenario", "system", "examples", "greeting"]
    .map((f) => $("character-field-" + f).value).filter(Boolean).join("\n\n");
  $("character-tokens").textContent = `About ${estimateTokens(prompt)} tokens of prompt (estimated at 4 characters a token, as the server does)`;
}

function cardData() {
  const data = {};
  for (const [field, key] of Object.entries(FIELDS)) data[key] = $(field).value;
  data.name = data.name.trim();
  data.alternate_greetings = $("character-field-greetings").value
    .split(new RegExp(`^${GREETING_BREAK}$`, "m")).map((g) => g.trim()).filter(Boolean);
  data.tags = [...new Set($("character-field-tags").value.split(",").map((t) => t.trim()).filter(Boolean))];
  return data;
}

async function save() {
  const data = cardData();
  if (!data.name) {
    say("Give the character a name.");
    $("character-field-name").focus();
    return;
  }
  const visibility = $("character-field-visibility").value;
  const picture = $("character-picture").files[0];
  const button = $("character-save");
  button.disabled = true;
  say("");
  try {
    let saved;
    if (editing) {
      saved = (await characterApi.edit(editing.id, data, visibility)).character;
    } else {
      const card = { spec: "chara_card_v3", spec_version: "3.0", data: { creator_notes: "", post_history_instructions: "",
        creator: me()?.name || "", character_version: "1", extensions: {}, group_only_greetings: [], ...data } };
      saved = (await characterApi.create(card, visibility)).character;
    }
    if (picture) saved = (await characterApi.picture(saved.id, picture)).character;
    editing = saved;
    $("character-form-title").textContent = "Edit " + saved.name;
    for (const id of ACTIONS) $(id).hidden = false;
    say("Saved.", "status");
    onChange();
  } catch (e) {
    say("Could not save: " + e.message);
  } finally {
    button.disabled = false;
  }
}

async function download(format) {
  try {
    const blob = await characterApi.exportFile(editing.id, format);
    const url = URL.createObjectURL(blob);
    const link = Object.assign(document.createElement("a"), {
      href: url, download: (editing.name.replace(/[^\p{L}\p{N} _-]/gu, "").trim() || "character") + "." + format });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) {
    say("Could not export: " + e.message);
  }
}

async function duplicate() {
  try {
    const copy = (await characterApi.duplicate(editing.id)).character;
    onChange();
    await editCharacter(copy.id);
    say("This is your copy.", "status");
  } catch (e) {
    say("Could not duplicate: " + e.message);
  }
}

function confirmDelete(asking) {
  $("character-delete-question").hidden = !asking;
  if (asking) {
    $("character-delete-text").textContent = `Delete ${editing.name}? It leaves the gallery and your list; `
      + "conversations people already had with it stay readable to them.";
    $("character-delete-cancel").focus();
  }
}

async function remove() {
  try {
    await characterApi.remove(editing.id);
    closeEditor();
    onChange("Deleted.");
    $("character-new").focus(); // the form that had focus is gone
  } catch (e) {
    say("Could not delete: " + e.message);
  }
}

function showPicture(url) {
  if (preview) URL.revokeObjectURL(preview);
  preview = url;
  $("character-preview").hidden = !url;
  if (url) $("character-preview").src = url;
}

function say(text, kind = "alert") {
  $("character-error").textContent = kind === "alert" ? text : "";
  $("character-status").textContent = kind === "status" ? text : "";
}
