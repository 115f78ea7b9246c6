// "My characters": one's own cards (any visibility), a new one, and importing a card file (JSON, PNG or
// CHARX); each opens in the editor (character-editor.js).
import { characterApi } from "./character-api.js";
import { closeEditor, editCharacter, initCharacterEditor } from "./character-editor.js";
import { $, el, initials } from "./dom.js";
import { show } from "./views.js";

const VISIBILITY = { private: "Private", unlisted: "Unlisted", public: "Public" };
let mine = [];
let nextBefore = null;

export function initMyCharacters() {
  initCharacterEditor((note) => loadMine(note));
  $("my-characters-button").addEventListener("click", openMyCharacters);
  $("gallery-new").addEventListener("click", async () => { await openMyCharacters(); editCharacter(null); });
  $("character-new").addEventListener("click", () => editCharacter(null));
  $("my-characters-more").addEventListener("click", () => loadMine(null, nextBefore));
  $("character-import").addEventListener("change", importFile);
}

export async function openMyCharacters() {
  show({ kind: "characters" });
  closeEditor();
  await loadMine();
}

async function loadMine(note, before) {
  $("characters-state").textContent = note || (before ? "" : "Loading…");
  try {
    const page = await characterApi.mine(before);
    mine = before ? mine.concat(page.characters) : page.characters;
    nextBefore = page.nextBefore ?? null;
    $("characters-state").textContent = note || (mine.length ? "" : "No characters of yours yet: make one, or import a card file.");
  } catch (e) {
    $("characters-state").textContent = "Could not load your characters: " + e.message;
  }
  $("my-characters-more").hidden = !nextBefore;
  $("my-characters").replaceChildren(...mine.map((c) => el("li", {},
    el("button", { className: "nav-item", onclick: () => editCharacter(c.id) },
      initials(c.name, 28),
      el("span", { className: "label" }, c.name),
      el("span", { className: "pill" }, VISIBILITY[c.visibility] || c.visibility)))));
}

async function importFile() {
  const input = $("character-import");
  const file = input.files[0];
  if (!file) return;
  $("characters-state").textContent = "Importing " + file.name + "…";
  try {
    const created = (await characterApi.importFile(file, "private")).character;
    await loadMine("Imported " + created.name + " (private until you change it).");
    await editCharacter(created.id);
  } catch (e) {
    $("characters-state").textContent = "Could not import " + file.name + ": " + e.message;
  } finally {
    input.value = "";
  }
}
