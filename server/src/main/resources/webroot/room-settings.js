// A room's settings and members (topic, visibility, roles; mute, kick, ban, invite for moderators),
// Block on a person, Report on a message, the reports moderators read, and the notices the server
// sends: removed from a room, invited, muted, a new role.
import { authed } from "./api.js";
import { isBlocked, setBlocked } from "./blocks.js";
import { call, onSocket, showBanner } from "./connection.js";
import { $, el } from "./dom.js";
import { enter } from "./directory.js";
import { nameOf, sentence } from "./names.js";
import { otherMember } from "./people.js";
import { companionSettings } from "./room-companions.js";
import { current, isOpen, me, rooms, saveRooms } from "./state.js";
import { show } from "./views.js";

const DURATIONS = [[10, "10 minutes"], [60, "1 hour"], [1440, "1 day"], [10080, "1 week"]];
const RANK = { owner: 0, moderator: 1, member: 2 };
const NAMES_SETTLE_MS = 600;
let details = null; // the open room's GET /api/rooms/{id}

export function initRoomSettings() {
  const settings = el("button", { id: "settings-button", className: "secondary small", type: "button", hidden: true, onclick: openSettings }, "Settings");
  $("leave-button").before(settings);
  new MutationObserver(updateHead).observe($("chat-title"), { childList: true, characterData: true, subtree: true });
  new MutationObserver(addReportButtons).observe($("log"), { childList: true });
  $("welcome-view").prepend(el("ul", { id: "room-notices", className: "notices", "aria-live": "polite" }));
  document.body.append(settingsDialog(), reportDialog());
  onSocket(listen);
}

function updateHead() {
  const room = current.kind === "room" ? rooms.get(current.id) : null;
  $("settings-button").hidden = !room;
  if (room) $("settings-button").textContent = room.direct ? (isBlocked(otherMember(room.id)) ? "Unblock" : "Block") : "Settings";
}

function listen(socket) {
  socket.on("room:removed", ({ roomId, reason, until }) => {
    rooms.delete(roomId);
    saveRooms();
    notice(`You were ${reason === "banned" ? "banned" : "removed"} from #${roomId} by a moderator${until ? ` until ${new Date(until).toLocaleString()}` : ""}.`);
    if (isOpen("room", roomId)) show({ kind: "welcome" });
    if ($("room-settings").open && details?.room.id === roomId) $("room-settings").close();
  });
  socket.on("room:invited", ({ roomId, name, invitedBy }) => {
    notice(`${nameOf(invitedBy)} invited you to #${name}.`, el("button", { className: "secondary", type: "button", onclick: () => enter(roomId) }, `Join ${name}`));
  });
  socket.on("room:muted", ({ roomId, until }) => {
    if (isOpen("room", roomId)) showBanner(until ? `A moderator muted you here until ${new Date(until).toLocaleTimeString()}.` : "You may write here again.", until ? "bad" : "good");
  });
  socket.on("room:role", ({ roomId, userId, role }) => {
    if (userId === me().id && isOpen("room", roomId)) showBanner(`You are now ${role === "member" ? "a member" : "a " + role} of #${roomId}.`, "good");
    if ($("room-settings").open && details?.room.id === roomId) refresh();
  });
  socket.on("room:updated", ({ room }) => {
    if ($("room-settings").open && details?.room.id === room.id) refresh();
  });
}

function notice(text, action) {
  $("room-notices").prepend(el("li", { className: "notice", role: "alert" }, el("span", { className: "grow" }, text), action,
    el("button", { className: "icon", type: "button", "aria-label": "Dismiss", onclick: (e) => e.target.closest("li").remove() }, "×")));
}

// ---- settings ----
function settingsDialog() {
  return el("dialog", { id: "room-settings", className: "sheet wide-sheet", "aria-label": "Settings" },
    el("div", { className: "row" }, el("h3", { id: "settings-title", className: "grow" }, "Settings"),
      el("button", { className: "icon", type: "button", "aria-label": "Close settings", onclick: () => $("room-settings").close() }, "×")),
    el("p", { id: "settings-status", className: "status-line", role: "alert" }),
    el("div", { id: "settings-body", className: "stack" }));
}

async function openSettings() {
  const room = rooms.get(current.id);
  if (room.direct) {
    const other = otherMember(room.id);
    const ack = await setBlocked(other, !isBlocked(other));
    showBanner(ack.ok ? (isBlocked(other) ? `You blocked ${nameOf(other)}: their messages are hidden and they cannot write to you.` : `You unblocked ${nameOf(other)}.`)
      : sentence(ack.error.message), ack.ok ? "good" : "bad");
    updateHead();
    return;
  }
  status("");
  $("settings-body").replaceChildren(el("p", { className: "muted" }, "Loading…"));
  $("room-settings").showModal();
  await refresh();
}

async function refresh() {
  try {
    details = await authed("/api/rooms/" + encodeURIComponent(current.id));
  } catch (e) {
    $("settings-body").replaceChildren(el("p", { className: "error" }, e.status === 404
      ? "This room has no settings yet: it was made by joining it." : "Could not load the room: " + sentence(e.message)));
    return;
  }
  render();
  // names still being fetched show as short ids at first: draw again once they are likely in
  setTimeout(() => { if ($("room-settings").open && details) render(); }, NAMES_SETTLE_MS);
}

function status(text, bad = false) {
  $("settings-status").textContent = text;
  $("settings-status").className = "status-line" + (bad ? " bad" : "");
}

/** Runs an action; shows the server's refusal (or done) in the dialog; refreshes on success. */
async function act(event, payload, done) {
  const ack = await call(event, payload);
  if (ack.ok) {
    status(done);
    await refresh();
  } else {
    status(sentence(ack.error.message), true);
  }
  return ack;
}

function render() {
  const { room, members, myRole } = details;
  const moderates = myRole === "owner" || myRole === "moderator";
  const id = room.id;
  const topic = el("input", { id: "settings-topic", maxLength: 300, value: room.topic, disabled: !moderates });
  const visibility = el("select", { id: "settings-visibility", disabled: myRole !== "owner" },
    el("option", { value: "public", selected: room.visibility === "public" }, "Public: anyone, listed"),
    el("option", { value: "private", selected: room.visibility === "private" }, "Private: invited people only"));
  const form = el("form", { className: "stack", onsubmit: (e) => {
    e.preventDefault();
    const change = { roomId: id, topic: topic.value.trim() };
    if (myRole === "owner") change.visibility = visibility.value;
    act("room:update", change, "Saved.");
  } },
  el("p", {}, el("strong", {}, "# " + room.name), ` · ${room.memberCount} members · ${room.onlineCount} online`),
  el("label", { htmlFor: "settings-topic" }, "Topic"), topic,
  el("label", { htmlFor: "settings-visibility" }, "Who may join"), visibility,
  moderates ? el("button", { type: "submit", className: "primary" }, "Save") : null);
  const people = el("ul", { className: "member-list", "aria-label": "Members" }, ...members.map((m) => memberItem(m, myRole, id)));
  const parts = [form, el("h4", {}, "Members"), people, ...companionSettings(details, act)];
  if (moderates) {
    const who = el("input", { id: "invite-user", maxLength: 128, placeholder: "user id or username", autocomplete: "off" });
    parts.push(el("form", { className: "stack", onsubmit: (e) => {
      e.preventDefault();
      if (who.value.trim()) act("room:invite", { roomId: id, userId: who.value.trim() }, "Invitation sent.");
    } }, el("label", { htmlFor: "invite-user" }, "Invite someone"), el("div", { className: "row" }, who, el("button", { type: "submit", className: "secondary" }, "Invite"))));
    parts.push(el("h4", {}, "Reports"), el("ul", { id: "report-list", className: "report-list" }));
    loadReports(id);
  }
  $("settings-body").replaceChildren(...parts);
}

function memberItem(m, myRole, roomId) {
  const target = { roomId, userId: m.userId };
  const name = nameOf(m.userId);
  const mine = m.userId === me().id;
  const may = !mine && myRole && RANK[myRole] <= 1 && RANK[myRole] < RANK[m.role];
  const minutes = el("select", { "aria-label": `Duration for ${name}` }, ...DURATIONS.map(([v, t]) => el("option", { value: v }, t)), el("option", { value: "" }, "For good (ban)"));
  const actions = [];
  if (!mine && myRole === "owner") {
    actions.push(el("select", { "aria-label": `Role of ${name}`, onchange: (e) => act("room:role", { ...target, role: e.target.value }, `${name} is now ${e.target.value}.`) },
      ...["member", "moderator", "owner"].map((r) => el("option", { value: r, selected: r === m.role }, r))));
  }
  if (may) {
    const mins = () => (minutes.value ? Number(minutes.value) : undefined);
    actions.push(minutes,
      m.mutedUntil ? el("button", { className: "secondary", type: "button", onclick: () => act("room:unmute", target, `${name} may write again.`) }, "Unmute")
        : el("button", { className: "secondary", type: "button", onclick: () => act("room:mute", { ...target, minutes: mins() ?? 10080 }, `${name} is muted.`) }, "Mute"),
      el("button", { className: "secondary", type: "button", onclick: () => act("room:kick", target, `${name} was removed.`) }, "Kick"),
      el("button", { className: "danger", type: "button", onclick: () => act("room:ban", mins() ? { ...target, minutes: mins() } : target, `${name} is banned.`) }, "Ban"));
  }
  if (!mine) {
    actions.push(el("button", { className: "secondary", type: "button", onclick: async () => {
      const ack = await setBlocked(m.userId, !isBlocked(m.userId));
      status(ack.ok ? (isBlocked(m.userId) ? `You blocked ${name}.` : `You unblocked ${name}.`) : sentence(ack.error.message), !ack.ok);
      render();
    } }, isBlocked(m.userId) ? "Unblock" : "Block"));
  }
  return el("li", { className: "member" },
    el("div", { className: "grow" }, el("strong", {}, name), mine ? " (you)" : "", el("span", { className: "role" }, ` ${m.role}`),
      m.mutedUntil ? el("span", { className: "muted small" }, ` · muted until ${new Date(m.mutedUntil).toLocaleTimeString()}`) : null),
    el("div", { className: "member-actions" }, ...actions));
}

async function loadReports(roomId) {
  try {
    const { reports } = await authed(`/api/rooms/${encodeURIComponent(roomId)}/reports?limit=20`);
    $("report-list").replaceChildren(...(reports.length ? reports.map((r) => el("li", {},
      el("strong", {}, nameOf(r.authorId || "")), `: “${r.text ?? "(deleted)"}” — reported by ${nameOf(r.reporterId)}: ${r.reason}`))
      : [el("li", { className: "muted" }, "No reports.")]));
  } catch (e) {
    $("report-list").replaceChildren(el("li", { className: "error" }, sentence(e.message)));
  }
}

// ---- report a message ----
function addReportButtons() {
  if (current.kind !== "room") return;
  for (const item of $("log").querySelectorAll("li.msg[data-id]:not(.mine)")) {
    if (item.querySelector(".report")) continue;
    item.append(el("button", { className: "link report", type: "button", title: "Report to the moderators",
      onclick: () => openReport(current.id, Number(item.dataset.id)) }, "Report"));
  }
}

function reportDialog() {
  return el("dialog", { id: "report", className: "sheet", onclose: (e) => e.target.removeAttribute("aria-labelledby") },
    el("form", { className: "stack", onsubmit: sendReport },
      el("h3", { id: "report-title" }, "Report to the moderators"),
      el("label", { htmlFor: "report-reason" }, "Why? Moderators read this."),
      el("textarea", { id: "report-reason", maxLength: 500, rows: 3, required: true }),
      el("p", { id: "report-error", className: "error", role: "alert" }),
      el("div", { className: "row" },
        el("button", { type: "button", className: "secondary grow", onclick: () => $("report").close() }, "Cancel"),
        el("button", { type: "submit", className: "primary grow" }, "Send report"))));
}

let reporting = null;
function openReport(roomId, messageId) {
  reporting = { roomId, messageId };
  $("report-reason").value = "";
  $("report-error").textContent = "";
  $("report").setAttribute("aria-labelledby", "report-title"); // only while open (see directory.js)
  $("report").showModal();
  $("report-reason").focus();
}

async function sendReport(event) {
  event.preventDefault();
  const reason = $("report-reason").value.trim();
  if (!reason) {
    $("report-error").textContent = "Say in a few words what is wrong.";
    return;
  }
  const ack = await call("message:report", { ...reporting, reason });
  if (!ack.ok) {
    $("report-error").textContent = sentence(ack.error.message);
    return;
  }
  $("report").close();
  showBanner("Thank you: the moderators will look at it.", "good");
}

