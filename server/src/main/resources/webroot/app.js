// Nexus Chat web client: sign in, rooms, direct messages and AI companions over Socket.IO.
import { api, refresh, session } from "./api.js";
import { $, el, initials, randomId, richText, timeOf } from "./dom.js";

const HISTORY_PAGE = 30;
const ACK_TIMEOUT_MS = 10_000;
const TYPING_REFRESH_MS = 2_500; // re-send "typing" while the user keeps typing
const TYPING_IDLE_MS = 3_000; // "stopped typing" after this much quiet
const TYPING_SHOWN_MS = 6_000; // forget a typist we stopped hearing from
const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;
const GROUP_MS = 5 * 60_000; // messages this close from one person read as one run
const ROOMS_KEY = "nexus.rooms.";

// ---- state ----
let socket = null;
const names = new Map(); // userId -> display name
const nameRequests = new Map();
const rooms = new Map(); // roomId -> Room
const companions = new Map(); // characterId -> Companion
let characters = [];
let current = { kind: "welcome" }; // {kind: "welcome" | "gallery" | "room" | "companion", id}
const typingOut = { roomId: null, sentAt: 0, idle: null };
const wide = window.matchMedia("(min-width: 761px)");
let peopleOpen = false;

const me = () => session.auth?.user;

function newRoom(id) {
  return { id, direct: id.startsWith("dm:"), joined: false, messages: new Map(), pending: new Map(),
    complete: false, loading: false, members: new Set(), typists: new Map(), unread: 0 };
}

function newCompanion(character) {
  return { id: character.id, name: character.name, hasAvatar: character.hasAvatar, description: character.description || "",
    messages: [], pending: null, stream: null, failedReply: null, opened: false };
}

// ---- names ----
function nameOf(userId) {
  if (userId === me()?.id) return me().name;
  if (names.has(userId)) return names.get(userId);
  if (!nameRequests.has(userId)) {
    nameRequests.set(userId, api.user(userId)
      .then((r) => { names.set(userId, r.user.name); scheduleRender(); })
      .catch(() => names.set(userId, shortId(userId))));
  }
  return shortId(userId);
}

/** Card texts say {{char}} and {{user}}; the server fills them in replies, the client in descriptions. */
const fillNames = (text, charName) => (text || "").replace(/\{\{char\}\}/gi, charName).replace(/\{\{user\}\}/gi, me()?.name || "you");

/** Server messages are lower-case phrases ("invalid username or password"); shown as a sentence. */
const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".") : "");

const shortId = (id) => (id.length > 14 ? id.slice(0, 12) + "…" : id);

function directRoomId(otherId) {
  const [a, b] = [me().id, otherId].sort();
  return `dm:${a}:${b}`;
}

function otherMember(roomId) {
  const [a, b] = roomId.slice(3).split(":");
  return a === me().id ? b : a;
}

const roomTitle = (room) => (room.direct ? nameOf(otherMember(room.id)) : "# " + room.id);

// ---- sign in ----
function showLogin(message = "") {
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("name").focus();
}

async function signIn(action, button) {
  const buttons = document.querySelectorAll("#login button");
  buttons.forEach((b) => (b.disabled = true));
  $("login-error").textContent = "";
  try {
    session.save(await action());
    startApp();
  } catch (e) {
    $("login-error").textContent = e.code === "CONFLICT" ? "That account name is taken. Log in, or choose another." : sentence(e.message);
    button?.focus();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

$("guest-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("name").value.trim();
  if (!name) {
    $("login-error").textContent = "Type a name first: it is what other people see.";
    $("name").focus();
    return;
  }
  signIn(() => api.guest(name), event.submitter);
});

function accountFields() {
  const username = $("account").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    $("login-error").textContent = "Type your account name and password.";
    (username ? $("password") : $("account")).focus();
    return null;
  }
  return { username, password };
}

$("account-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const fields = accountFields();
  if (fields) signIn(() => api.login(fields.username, fields.password), $("login-button"));
});

$("signup-button").addEventListener("click", () => {
  const fields = accountFields();
  if (fields) signIn(() => api.register(fields.username, fields.password, $("name").value.trim()), $("signup-button"));
});

$("logout-button").addEventListener("click", async () => {
  try { await api.logout(); } catch { /* signed out locally all the same */ }
  signOut("");
});

function signOut(message) {
  document.title = "Nexus Chat";
  socket?.disconnect();
  socket = null;
  session.clear();
  rooms.clear();
  companions.clear();
  current = { kind: "welcome" };
  showLogin(message);
}

// ---- the app ----
function startApp() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("me").textContent = me().name + (me().kind === "guest" ? " (guest)" : "");
  $("room-list").replaceChildren();
  for (const id of savedRooms()) rooms.set(id, newRoom(id));
  connect();
  renderNav();
  if (rooms.size > 0) openRoom([...rooms.keys()][0]);
  else show({ kind: "welcome" });
  loadCharacters();
}

function savedRooms() {
  try {
    return JSON.parse(localStorage.getItem(ROOMS_KEY + me().id)) || [];
  } catch {
    return [];
  }
}

function saveRooms() {
  const ids = [...rooms.values()].filter((r) => r.joined || !r.direct).map((r) => r.id);
  localStorage.setItem(ROOMS_KEY + me().id, JSON.stringify(ids));
}

// ---- socket ----
function setConnection(text, kind) {
  const pill = $("connection");
  pill.textContent = text;
  pill.className = "pill " + kind;
}

function connect() {
  setConnection("Connecting…", "connecting");
  socket = io({ auth: (cb) => cb({ token: session.auth?.token }) });
  let everConnected = false;

  socket.on("connect", () => {
    setConnection("Online", "online");
    if (everConnected) flash("Reconnected.", "good");
    else clearBanner();
    everConnected = true;
    // Recovered: the server kept our rooms and replays what we missed. Otherwise join again and catch up.
    for (const room of rooms.values()) {
      if (!socket.recovered) room.joined = false;
      if (room.joined) retryPending(room);
      else joinRoom(room, { catchUp: !socket.recovered });
    }
    // The server cancels a reply when its socket goes, recovered or not: say so and offer to ask again.
    for (const companion of companions.values()) {
      if (companion.stream) interruptStream(companion);
    }
    if (current.kind === "room" || current.kind === "companion") renderComposer();
  });

  socket.on("disconnect", (reason) => {
    setConnection("Reconnecting…", "connecting");
    showBanner("Connection lost. Reconnecting… Messages you send now go out when it is back.", "warn");
    if (reason === "io server disconnect") setTimeout(() => socket?.connect(), 1000);
    renderComposer();
  });

  socket.on("connect_error", async (error) => {
    if (error.message === "unauthorized") {
      socket.io.reconnection(false);
      let renewed = null; // null: the server could not say (down); try again later
      try { renewed = await refresh(); } catch { /* keep null */ }
      if (renewed === false && session.auth) {
        signOut("Your session has ended. Please sign in again.");
        return;
      }
      socket.io.reconnection(true);
      setTimeout(() => socket?.connect(), renewed ? 100 : 2000);
      return;
    }
    setConnection("Offline", "offline");
    showBanner("Cannot reach the server. Retrying…", "bad");
  });

  socket.on("message:new", (message) => {
    let room = rooms.get(message.roomId);
    if (!room) {
      if (!message.roomId.startsWith("dm:")) return;
      room = newRoom(message.roomId); // someone started a direct conversation with us
      rooms.set(room.id, room);
      joinRoom(room, { catchUp: false });
    }
    if (addMessage(room, message)) {
      if (!isOpen("room", room.id)) room.unread++;
      else announce(`${nameOf(message.userId)}: ${message.text}`);
    }
    room.typists.delete(message.userId);
    scheduleRender();
  });

  socket.on("typing", ({ roomId, userId, isTyping }) => {
    const room = rooms.get(roomId);
    if (!room || userId === me().id) return;
    clearTimeout(room.typists.get(userId));
    if (isTyping) room.typists.set(userId, setTimeout(() => { room.typists.delete(userId); renderTyping(); }, TYPING_SHOWN_MS));
    else room.typists.delete(userId);
    renderTyping();
  });

  socket.on("presence", ({ roomId, userId, status }) => {
    const room = rooms.get(roomId);
    if (!room) return;
    if (status === "online") room.members.add(userId);
    else {
      room.members.delete(userId);
      room.typists.delete(userId);
    }
    scheduleRender();
  });

  socket.on("companion:token", ({ characterId, messageId, delta }) => {
    const companion = companions.get(characterId);
    if (!companion) return;
    if (!companion.stream || companion.stream.messageId !== messageId) companion.stream = { messageId, text: "" };
    companion.stream.text += delta;
    if (isOpen("companion", characterId)) updateStream(companion);
  });

  socket.on("companion:done", ({ characterId, message }) => {
    const companion = companions.get(characterId);
    if (!companion) return;
    companion.stream = null;
    if (!companion.messages.some((m) => m.id === message.id)) companion.messages.push(message);
    if (isOpen("companion", characterId)) announce(`${companion.name}: ${message.content}`);
    scheduleRender();
  });

  socket.on("companion:error", ({ characterId, error }) => {
    const companion = companions.get(characterId);
    if (!companion) return;
    const text = companion.stream?.text || "";
    companion.stream = null;
    companion.failedReply = { text, error };
    scheduleRender();
  });
}

/** Emits with an ack; resolves with the ack, or an error shape when the server does not answer in time. */
function call(event, payload, timeout = ACK_TIMEOUT_MS) {
  return new Promise((resolve) => {
    socket.timeout(timeout).emit(event, payload, (err, ack) => {
      resolve(err ? { ok: false, error: { code: "TIMEOUT", message: "The server did not answer in time." } }
        : ack || { ok: false, error: { code: "INTERNAL", message: "Empty answer." } });
    });
  });
}

// ---- rooms ----
$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("room").value.trim();
  $("join-error").textContent = "";
  if (!/^[A-Za-z0-9_\-:.]{1,64}$/.test(id) || id.startsWith("dm:")) {
    $("join-error").textContent = "Use 1-64 letters, digits, _ - : . (no spaces).";
    return;
  }
  $("room").value = "";
  if (!rooms.has(id)) rooms.set(id, newRoom(id));
  openRoom(id);
});

async function joinRoom(room, { catchUp }) {
  if (!socket?.connected) return;
  const ack = await call("room:join", { roomId: room.id });
  if (!ack.ok) {
    if (isOpen("room", room.id)) showBanner(`Could not join: ${sentence(ack.error.message)}`, "bad");
    return;
  }
  room.joined = true;
  room.members = new Set(ack.members);
  saveRooms();
  retryPending(room);
  if (catchUp || room.messages.size === 0) await loadHistory(room, { latest: true });
  scheduleRender();
}

function openRoom(id) {
  const room = rooms.get(id);
  room.unread = 0;
  show({ kind: "room", id });
  if (!room.joined) joinRoom(room, { catchUp: true });
  saveRooms();
}

/** Adds a stored message once (by id); replaces our pending copy of it. Returns whether it was new. */
function addMessage(room, message) {
  if (message.clientId && message.userId === me().id) room.pending.delete(message.clientId);
  if (room.messages.has(message.id)) return false;
  room.messages.set(message.id, message);
  return true;
}

async function loadHistory(room, { latest = false } = {}) {
  if (room.loading || (!latest && room.complete)) return;
  room.loading = true;
  renderLoadingNote(room);
  const oldest = latest ? undefined : Math.min(...room.messages.keys());
  const payload = { roomId: room.id, limit: HISTORY_PAGE };
  if (oldest !== undefined && Number.isFinite(oldest)) payload.before = oldest;
  const ack = await call("history", payload);
  room.loading = false;
  if (!ack.ok) {
    room.historyFailed = true; // no automatic retries: scrolling up asks again
    if (isOpen("room", room.id)) showBanner("Could not load earlier messages: " + sentence(ack.error.message), "bad");
    renderLoadingNote(room);
    return;
  }
  room.historyFailed = false;
  const wasEmpty = room.messages.size === 0;
  if (latest && !wasEmpty && ack.messages.length === HISTORY_PAGE && !ack.messages.some((m) => room.messages.has(m.id))) {
    // More was missed than one page: start again from the newest page rather than keep a gap.
    room.messages.clear();
    room.complete = false;
  }
  ack.messages.forEach((m) => addMessage(room, m));
  if (!latest || wasEmpty) room.complete = ack.messages.length < HISTORY_PAGE;
  if (isOpen("room", room.id)) renderLog({ keepTop: !latest });
}

async function sendToRoom(room, text) {
  const local = { clientId: randomId(), roomId: room.id, userId: me().id, text, createdAt: new Date().toISOString(), state: "pending" };
  room.pending.set(local.clientId, local);
  renderLog({ toBottom: true });
  stopTyping();
  deliver(room, local);
}

async function deliver(room, local) {
  if (!socket?.connected || !room.joined) {
    local.state = "queued"; // sent after the room is joined again (same clientId: stored once)
    scheduleRender();
    return;
  }
  local.state = "pending";
  const ack = await call("message:send", { roomId: room.id, text: local.text, clientId: local.clientId });
  if (ack.ok) {
    addMessage(room, ack.message);
  } else if (["RATE_LIMITED", "UNAVAILABLE"].includes(ack.error.code) && ack.error.retryAfter) {
    local.state = "waiting";
    countdown(ack.error.retryAfter, (s) => (ack.error.code === "RATE_LIMITED"
      ? `You are sending too fast: sending again in ${s} s.` : `The server is busy: sending again in ${s} s.`),
    () => deliver(room, local));
  } else if (ack.error.code === "TIMEOUT" && !socket.connected) {
    local.state = "queued";
  } else {
    local.state = "failed";
    local.error = sentence(ack.error.message);
  }
  scheduleRender();
}

function retryPending(room) {
  for (const local of room.pending.values()) if (local.state === "queued") deliver(room, local);
}

// typing
function typed() {
  if (current.kind !== "room") return;
  const now = Date.now();
  if (typingOut.roomId !== current.id || now - typingOut.sentAt > TYPING_REFRESH_MS) {
    if (typingOut.roomId && typingOut.roomId !== current.id) stopTyping();
    typingOut.roomId = current.id;
    typingOut.sentAt = now;
    if (socket?.connected) socket.volatile.emit("typing", { roomId: current.id, isTyping: true }, () => {});
  }
  clearTimeout(typingOut.idle);
  typingOut.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingOut.idle);
  if (typingOut.roomId && socket?.connected) socket.volatile.emit("typing", { roomId: typingOut.roomId, isTyping: false }, () => {});
  typingOut.roomId = null;
  typingOut.sentAt = 0;
}

// ---- companions ----
async function loadCharacters() {
  $("gallery-state").textContent = "Loading companions…";
  try {
    characters = (await api.characters()).characters;
    $("gallery-state").textContent = characters.length ? "" : "No companions yet.";
  } catch (e) {
    $("gallery-state").textContent = "Could not load the companions: " + e.message;
  }
  if (current.kind === "gallery") renderGallery();
}

function avatarOf(character, size, className) {
  if (!character.hasAvatar) return initials(character.name, size, className);
  return el("img", { className, src: `/api/characters/${encodeURIComponent(character.id)}/avatar`, alt: "", width: size, height: size, loading: "lazy" });
}

async function openCompanion(character) {
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

async function loadCompanion(companion) {
  const ack = await call("companion:open", { characterId: companion.id });
  if (!ack.ok) {
    if (isOpen("companion", companion.id)) showBanner("Could not open the conversation: " + sentence(ack.error.message), "bad");
    return;
  }
  companion.opened = true;
  const known = new Set(companion.messages.map((m) => m.id));
  for (const m of ack.messages) if (!known.has(m.id)) companion.messages.push(m);
  companion.messages.sort((a, b) => a.id - b.id);
  if (companion.messages.at(-1)?.role === "assistant") companion.failedReply = null; // the reply was stored after all
  renderNav();
  if (isOpen("companion", companion.id)) renderLog({ toBottom: true });
}

async function sendToCompanion(companion, text) {
  companion.pending = { text, state: "pending" };
  companion.failedReply = null;
  renderLog({ toBottom: true });
  const ack = await call("companion:message", { characterId: companion.id, text });
  if (ack.ok) {
    companion.messages.push({ id: ack.messageId, role: "user", content: text, createdAt: new Date().toISOString() });
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
    companion.pending.state = "failed";
    companion.pending.error = sentence(ack.error.message);
  }
  scheduleRender();
}

function interruptStream(companion) {
  companion.failedReply = { text: companion.stream.text, error: { message: "The connection dropped during the reply." } };
  companion.stream = null;
  loadCompanion(companion);
}

// ---- a countdown in the banner, then an automatic retry ----
let countdownTimer = null;
function countdown(seconds, text, then) {
  clearInterval(countdownTimer);
  let left = Math.ceil(seconds);
  const tick = () => {
    showBanner(text(left), "warn");
    renderComposer();
  };
  tick();
  countdownTimer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      tick();
      return;
    }
    clearInterval(countdownTimer);
    countdownTimer = null;
    clearBanner();
    then();
  }, 1000);
}

// ---- views ----
function isOpen(kind, id) {
  return current.kind === kind && current.id === id;
}

const drafts = new Map(); // "room:<id>" or "companion:<id>" -> unsent text
const draftKey = (view) => `${view.kind}:${view.id}`;

function show(view) {
  if (current.kind === "room" && view.id !== current.id) stopTyping();
  if (current.kind === "room" || current.kind === "companion") drafts.set(draftKey(current), $("message").value);
  current = view;
  $("welcome-view").hidden = view.kind !== "welcome";
  $("gallery-view").hidden = view.kind !== "gallery";
  $("chat-view").hidden = view.kind !== "room" && view.kind !== "companion";
  closeMenu();
  clearBanner();
  $("message").value = drafts.get(draftKey(view)) || "";
  autoSize();
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
function scheduleRender() {
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

function navItem({ icon, label, active, unread, onclick, avatar }) {
  return el("li", {}, el("button", { className: "nav-item" + (active ? " active" : ""), onclick, ariaCurrent: active ? "page" : undefined },
    avatar || el("span", { className: "nav-icon", ariaHidden: "true" }, icon),
    el("span", { className: "label" }, label),
    unread ? el("span", { className: "badge", title: `${unread} unread` }, unread) : null));
}

function renderNav() {
  if (!me()) return;
  const unread = [...rooms.values()].reduce((sum, r) => sum + r.unread, 0);
  document.title = unread ? `(${unread}) Nexus Chat` : "Nexus Chat";
  const publicRooms = [...rooms.values()].filter((r) => !r.direct);
  $("room-list").replaceChildren(...(publicRooms.length ? publicRooms.map((room) => navItem({
    icon: "#", label: room.id, active: isOpen("room", room.id), unread: room.unread, onclick: () => openRoom(room.id),
  })) : [el("li", { className: "empty" }, "No rooms yet: join one above.")]));
  const direct = [...rooms.values()].filter((r) => r.direct);
  $("dm-list").replaceChildren(...(direct.length ? direct.map((room) => navItem({
    icon: "@", label: nameOf(otherMember(room.id)), active: isOpen("room", room.id), unread: room.unread, onclick: () => openRoom(room.id),
  })) : [el("li", { className: "empty" }, "Tap a person in a room to talk one to one.")]));
  $("gallery-button").classList.toggle("active", current.kind === "gallery");
  $("companion-list").replaceChildren(...[...companions.values()].map((c) => navItem({
    label: c.name, active: isOpen("companion", c.id), onclick: () => openCompanion(c), avatar: avatarOf(c, 22, "mini-avatar"),
  })));
}

function renderGallery() {
  $("gallery-count").textContent = characters.length ? `${characters.length} to talk with` : "";
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

function renderHead() {
  const avatar = $("chat-avatar");
  if (current.kind === "room") {
    const room = rooms.get(current.id);
    $("chat-title").textContent = roomTitle(room);
    const online = room.members.size;
    $("chat-subtitle").textContent = room.direct ? (room.members.has(otherMember(room.id)) ? "online" : "direct conversation")
      : `${online} online`;
    avatar.hidden = true;
    $("people-button").hidden = room.direct;
    $("leave-button").hidden = false;
    $("people-button").textContent = `People (${online})`;
    renderPeople(room);
  } else {
    const companion = companions.get(current.id);
    $("chat-title").textContent = companion.name;
    $("chat-subtitle").textContent = fillNames(companion.description, companion.name);
    avatar.hidden = !companion.hasAvatar;
    if (companion.hasAvatar) avatar.src = `/api/characters/${encodeURIComponent(companion.id)}/avatar`;
    $("people-button").hidden = true;
    $("leave-button").hidden = true;
    $("people").hidden = true;
  }
}

function renderPeople(room) {
  $("people").hidden = room.direct || !(wide.matches || peopleOpen);
  $("people-button").setAttribute("aria-expanded", String(peopleOpen));
  const ids = [...room.members].sort((a, b) => (a === me().id ? -1 : b === me().id ? 1 : nameOf(a).localeCompare(nameOf(b))));
  $("people-list").replaceChildren(...ids.map((id) => el("li", {}, id === me().id
    ? el("div", { className: "person" }, el("span", { className: "dot" }), el("span", { className: "label" }, nameOf(id)), el("span", { className: "you" }, "you"))
    : el("button", { className: "person", title: `Talk with ${nameOf(id)} one to one`, onclick: () => openDirect(id) },
      el("span", { className: "dot" }), el("span", { className: "label" }, nameOf(id)), el("span", { className: "dm" }, "DM")))));
}

function openDirect(userId) {
  const id = directRoomId(userId);
  if (!rooms.has(id)) rooms.set(id, newRoom(id));
  peopleOpen = false;
  openRoom(id);
}

$("leave-button").addEventListener("click", () => {
  if (current.kind !== "room") return;
  const room = rooms.get(current.id);
  if (room.joined && socket?.connected) socket.emit("room:leave", { roomId: room.id }, () => {});
  rooms.delete(room.id);
  saveRooms();
  show({ kind: "welcome" });
});

$("people-button").addEventListener("click", () => {
  peopleOpen = !peopleOpen;
  if (current.kind === "room") renderPeople(rooms.get(current.id));
});

function bubble({ mine, who, text, time, state, rich, cont, retry, id, error }) {
  return el("li", { className: `msg${mine ? " mine" : ""}${cont ? " cont" : ""}${state ? " " + state : ""}`, dataset: id ? { id } : undefined },
    who ? el("span", { className: "who" }, who) : null,
    el("div", { className: "bubble" }, rich ? richText(text) : text),
    state === "failed" ? el("span", { className: "retry" }, error ? `Not sent: ${error} ` : "Not sent. ", retry ? el("button", { className: "link", onclick: retry }, "Try again") : null)
      : state === "pending" || state === "queued" ? el("span", { className: "time" }, state === "queued" ? "Waiting for the connection…" : "Sending…")
        : state === "waiting" ? el("span", { className: "time" }, "Waiting to send…")
          : time ? el("span", { className: "time" }, timeOf(time)) : null);
}

function renderLog({ toBottom = false, keepTop = false }) {
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

function renderLoadingNote(room) {
  if (isOpen("room", room.id)) renderLog({ keepTop: true });
}

function roomItems(room) {
  const items = [];
  if (room.loading) items.push(el("li", { className: "note" }, "Loading earlier messages…"));
  else if (room.complete && (room.messages.size || room.pending.size)) {
    items.push(el("li", { className: "note" }, room.direct ? `This is the start of your conversation with ${nameOf(otherMember(room.id))}.` : `This is the start of #${room.id}.`));
  }
  const sorted = [...room.messages.values()].sort((a, b) => a.id - b.id);
  const together = (a, b) => a && b && a.userId === b.userId && Date.parse(b.createdAt) - Date.parse(a.createdAt) < GROUP_MS;
  sorted.forEach((m, i) => {
    // One name above and one time below a run of messages from the same person.
    const last = !together(m, sorted[i + 1]) && !(i === sorted.length - 1 && m.userId === me().id && room.pending.size);
    items.push(bubble({ id: m.id, mine: m.userId === me().id, who: nameOf(m.userId), text: m.text,
      time: last ? m.createdAt : null, cont: together(sorted[i - 1], m) }));
  });
  for (const local of room.pending.values()) {
    items.push(bubble({ mine: true, text: local.text, state: local.state, error: local.error, retry: () => deliver(room, local) }));
  }
  if (room.joined && sorted.length === 0 && room.pending.size === 0 && room.complete) {
    items.push(el("li", { className: "note" }, "No messages yet. Say hello!"));
  }
  return items;
}

function companionItems(companion) {
  const items = [];
  if (!companion.opened) items.push(el("li", { className: "note" }, "Opening the conversation…"));
  for (const m of companion.messages) {
    const mine = m.role === "user";
    items.push(bubble({ id: m.id, mine, who: mine ? null : companion.name, text: m.content, time: m.createdAt, rich: !mine }));
  }
  if (companion.pending) {
    const p = companion.pending;
    items.push(bubble({ mine: true, text: p.text, state: p.state, error: p.error, retry: () => sendToCompanion(companion, p.text) }));
  }
  if (companion.stream) items.push(streamBubble(companion));
  if (companion.failedReply) {
    const lastUser = [...companion.messages].reverse().find((m) => m.role === "user");
    items.push(el("li", { className: "note" }, `${companion.name} could not finish: ${sentence(companion.failedReply.error.message)} `,
      lastUser ? el("button", { className: "link", onclick: () => sendToCompanion(companion, lastUser.content) }, "Ask again") : null));
  }
  return items;
}

function streamBubble(companion) {
  const node = bubble({ who: companion.name, text: companion.stream.text || "…", rich: true, state: "streaming" });
  node.id = "stream";
  return node;
}

function updateStream(companion) {
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  const existing = $("stream");
  const node = streamBubble(companion);
  if (existing) existing.replaceWith(node);
  else log.append(node);
  if (atBottom) log.scrollTop = log.scrollHeight;
  renderComposer();
}

function renderTyping() {
  if (current.kind !== "room") {
    $("typing").textContent = "";
    return;
  }
  const typists = [...rooms.get(current.id).typists.keys()].map(nameOf);
  $("typing").textContent = typists.length === 0 ? ""
    : typists.length === 1 ? `${typists[0]} is typing…`
      : typists.length === 2 ? `${typists[0]} and ${typists[1]} are typing…` : "Several people are typing…";
}

function renderComposer() {
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
  state.textContent = text;
  $("send").disabled = busy;
}

/** Screen readers hear new messages from others here (the log itself is rebuilt, so it is not live). */
function announce(text) {
  $("announce").textContent = text;
}

// ---- banner ----
let bannerTimer = null;
function showBanner(text, kind) {
  clearTimeout(bannerTimer);
  const banner = $("banner");
  banner.textContent = text;
  banner.className = "banner" + (kind === "bad" ? " bad" : kind === "good" ? " good" : "");
  banner.hidden = false;
}

function flash(text, kind) {
  showBanner(text, kind);
  bannerTimer = setTimeout(clearBanner, 3000);
}

function clearBanner() {
  if (countdownTimer) return; // a countdown owns the banner
  clearTimeout(bannerTimer);
  $("banner").hidden = true;
}

// ---- composer ----
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text || $("send").disabled) return;
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
});

function autoSize() {
  const box = $("message");
  box.style.height = "auto";
  box.style.height = Math.min(box.scrollHeight, 140) + "px";
}

$("log").addEventListener("scroll", () => {
  if (current.kind === "room" && $("log").scrollTop < NEAR_TOP_PX) loadHistory(rooms.get(current.id));
});

// ---- navigation ----
$("gallery-button").addEventListener("click", () => { show({ kind: "gallery" }); loadCharacters(); });
$("welcome-gallery").addEventListener("click", () => { show({ kind: "gallery" }); loadCharacters(); });

function closeMenu() {
  $("sidebar").classList.remove("open");
  $("scrim").hidden = true;
  $("menu-button").setAttribute("aria-expanded", "false");
}

$("menu-button").addEventListener("click", () => {
  const open = !$("sidebar").classList.contains("open");
  $("sidebar").classList.toggle("open", open);
  $("scrim").hidden = !open;
  $("menu-button").setAttribute("aria-expanded", String(open));
});
$("scrim").addEventListener("click", closeMenu);
$("close-button").addEventListener("click", closeMenu);
wide.addEventListener("change", () => scheduleRender());

// For tests and debugging in the console: the live socket (e.g. nexusClient.socket.io.engine.close()).
window.nexusClient = { get socket() { return socket; } };

// ---- start ----
function boot() {
  if (typeof io !== "function") {
    showLogin("The chat library did not load. Reload the page.");
    return;
  }
  if (session.load()?.token) startApp();
  else showLogin();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
