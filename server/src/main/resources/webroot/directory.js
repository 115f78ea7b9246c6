// The public room directory on the welcome screen (search, member and online counts, Join) and the
// New room dialog (name, topic, public or private).
import { authed } from "./api.js";
import { loadBlocks } from "./blocks.js";
import { call, onSocket } from "./connection.js";
import { $, el } from "./dom.js";
import { sentence } from "./names.js";
import { openRoom } from "./rooms.js";
import { newRoom, rooms } from "./state.js";
import { show } from "./views.js";

const PAGE = 20;
const SEARCH_DELAY_MS = 250;
let searchTimer = null;
let cursor = null;

export function initDirectory() {
  // Labels here avoid the words "room", "name" and "message": other screens' fields are found by those.
  const section = el("section", { className: "directory" },
    el("div", { className: "row directory-head" },
      el("h3", { id: "directory-title", className: "grow" }, "Public rooms"),
      el("button", { id: "new-room-button", className: "primary", type: "button", onclick: openDialog }, "New room")),
    el("label", { htmlFor: "directory-search", className: "visually-hidden" }, "Search the directory"),
    el("input", { id: "directory-search", type: "search", maxLength: 64, placeholder: "Search rooms by name", autocomplete: "off",
      oninput: () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => loadDirectory(), SEARCH_DELAY_MS); } }),
    el("p", { id: "directory-state", className: "muted small", role: "status" }),
    el("ul", { id: "directory-list", className: "directory-list" }),
    el("button", { id: "directory-more", className: "secondary", type: "button", hidden: true, onclick: () => loadDirectory(true) }, "More rooms"));
  $("welcome-view").append(section, dialog());
  $("join-form").after(el("button", { id: "browse-button", className: "nav-item", type: "button", onclick: () => { show({ kind: "welcome" }); loadDirectory(); } },
    el("span", { className: "nav-icon", "aria-hidden": "true" }, "⌕"), " Browse rooms"));
  onSocket((socket) => socket.on("connect", () => { loadDirectory(); loadBlocks(); }));
}

export async function loadDirectory(more = false) {
  const q = $("directory-search").value.trim();
  const query = `?limit=${PAGE}` + (q ? "&q=" + encodeURIComponent(q) : "") + (more && cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
  $("directory-state").textContent = "Loading rooms…";
  try {
    const page = await authed("/api/rooms" + query);
    cursor = page.nextCursor || null;
    const items = page.rooms.map(entry);
    if (more) $("directory-list").append(...items);
    else $("directory-list").replaceChildren(...items);
    $("directory-more").hidden = !cursor;
    $("directory-state").textContent = $("directory-list").children.length ? "" : q ? `No public room matches “${q}”.` : "No public rooms yet: create one.";
  } catch (e) {
    $("directory-state").textContent = "Could not load the rooms: " + sentence(e.message);
  }
}

function entry(room) {
  return el("li", { className: "directory-item" },
    el("div", { className: "grow" },
      el("strong", {}, "# " + room.name),
      room.topic ? el("p", { className: "small" }, room.topic) : null,
      el("p", { className: "muted small" }, `${room.memberCount} member${room.memberCount === 1 ? "" : "s"} · ${room.onlineCount} online`)),
    el("button", { className: "secondary", type: "button", onclick: () => enter(room.id) }, "Join", el("span", { className: "visually-hidden" }, " " + room.name)));
}

export function enter(id) {
  if (!rooms.has(id)) rooms.set(id, newRoom(id));
  openRoom(id);
}

function dialog() {
  return el("dialog", { id: "new-room", className: "sheet", onclose: (e) => e.target.removeAttribute("aria-labelledby") },
    el("form", { className: "stack", method: "dialog", onsubmit: create },
      el("h3", { id: "new-room-title" }, "New room"),
      el("label", { htmlFor: "new-room-name" }, "Title"),
      el("input", { id: "new-room-name", maxLength: 64, required: true, autocomplete: "off", spellcheck: false, placeholder: "1-64 letters, digits, _ - . :" }),
      el("label", { htmlFor: "new-room-topic" }, "Topic (optional)"),
      el("input", { id: "new-room-topic", maxLength: 300, autocomplete: "off" }),
      el("fieldset", { className: "choices" },
        el("legend", {}, "Who may join"),
        el("label", {}, el("input", { type: "radio", name: "visibility", value: "public", checked: true }), " Public: anyone, listed"),
        el("label", {}, el("input", { type: "radio", name: "visibility", value: "private" }), " Private: invited people only")),
      el("p", { id: "new-room-error", className: "error", role: "alert" }),
      el("div", { className: "row" },
        el("button", { type: "button", className: "secondary grow", onclick: () => $("new-room").close() }, "Cancel"),
        el("button", { type: "submit", className: "primary grow" }, "Create"))));
}

function openDialog() {
  $("new-room-error").textContent = "";
  $("new-room").setAttribute("aria-labelledby", "new-room-title"); // only while open: see initDirectory
  $("new-room").showModal();
  $("new-room-name").focus();
}

async function create(event) {
  event.preventDefault();
  const name = $("new-room-name").value.trim();
  if (!/^[A-Za-z0-9_\-:.]{1,64}$/.test(name) || name.startsWith("dm:")) {
    $("new-room-error").textContent = "Use 1-64 letters, digits, _ - : . (no spaces).";
    return;
  }
  const visibility = $("new-room").querySelector("input[name=visibility]:checked").value;
  const ack = await call("room:create", { name, topic: $("new-room-topic").value.trim(), visibility });
  if (!ack.ok) {
    $("new-room-error").textContent = ack.error.code === "CONFLICT" ? "A room with this name exists already: find it in the list and join it." : sentence(ack.error.message);
    return;
  }
  $("new-room").close();
  $("new-room-name").value = "";
  $("new-room-topic").value = "";
  enter(ack.room.id);
  loadDirectory();
}
