// Profiles: names, @handles, avatars and the guest tag of the people in the conversations, fetched in
// batches and kept; the profile dialog (anyone's, and one's own with its changes).
import { ApiError, authed, session } from "./api.js";
import { $, el, initials } from "./dom.js";
import { scheduleRender } from "./views.js";

const BATCH = 100; // the server's limit for one GET /api/users?ids=
const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

const profiles = new Map(); // userId -> {id, name, handle, kind, avatarUrl}
const wanted = new Set();
const failed = new Set();
let fetchQueued = false;

/** The profile of a user, or null while it is being fetched (a render follows when it comes). */
export function profileOf(userId) {
  const mine = session.auth?.user;
  if (mine && userId === mine.id && !profiles.has(userId)) {
    return { id: mine.id, name: mine.name, handle: mine.handle, kind: mine.kind === "guest" ? "guest" : "account", avatarUrl: null };
  }
  if (profiles.has(userId)) return profiles.get(userId);
  if (!failed.has(userId)) want(userId);
  return null;
}

function want(userId) {
  wanted.add(userId);
  if (fetchQueued) return;
  fetchQueued = true;
  queueMicrotask(async () => {
    fetchQueued = false;
    const ids = [...wanted].slice(0, BATCH);
    ids.forEach((id) => wanted.delete(id));
    if (wanted.size) want([...wanted][0]);
    try {
      const answer = await authed("/api/users?ids=" + ids.map(encodeURIComponent).join(","));
      answer.users.forEach(remember);
      ids.filter((id) => !profiles.has(id)).forEach((id) => failed.add(id));
    } catch {
      ids.forEach((id) => failed.add(id));
    }
    scheduleRender();
  });
}

function remember(profile) {
  profiles.set(profile.id, profile);
  const mine = session.auth?.user;
  if (mine && profile.id === mine.id && (mine.name !== profile.name || mine.handle !== profile.handle)) {
    session.save({ ...session.auth, user: { ...mine, name: profile.name, handle: profile.handle } });
  }
}

/** A profile someone changed (the server's user:updated): shown from now on. */
export function profileUpdated({ user }) {
  if (!user?.id) return;
  remember(user);
  failed.delete(user.id);
  if (user.id === session.auth?.user?.id) $("me").textContent = user.name + (user.kind === "guest" ? " (guest)" : "");
  scheduleRender();
}

/** An avatar: the picture, or the first letter of the name on a colour. Decorative: the name is beside it. */
export function avatarNode(userId, size = 32) {
  const profile = profileOf(userId);
  if (profile?.avatarUrl) {
    return el("img", { className: "face", src: profile.avatarUrl, alt: "", width: size, height: size, loading: "lazy" });
  }
  return initials(profile?.name || "?", size, "face");
}

/** "Name @handle [guest]": the label shown wherever a name is. */
export function nameParts(userId, fallback) {
  const profile = profileOf(userId);
  return [
    el("span", { className: "name" }, profile?.name || fallback),
    profile?.handle ? el("span", { className: "handle" }, "@" + profile.handle) : null,
    profile?.kind === "guest" ? el("span", { className: "tag" }, "guest") : null,
  ];
}

/** A name that opens the person's profile when clicked. */
export function whoButton(userId, fallback) {
  // Named by what it shows (name, @handle, tag): a label of its own would differ from the visible text.
  return el("button", { type: "button", className: "who", onclick: () => openProfile(userId),
    title: `Open the profile of ${profileOf(userId)?.name || fallback}` }, avatarNode(userId, 24), ...nameParts(userId, fallback));
}

// ---- the dialog ----

export function initProfiles() {
  $("me").addEventListener("click", () => openProfile(session.auth.user.id));
  $("profile-close").addEventListener("click", () => $("profile-dialog").close());
}

export async function openProfile(userId) {
  if (userId.startsWith("character:")) return; // a companion in a room: its card is in the gallery
  const dialog = $("profile-dialog");
  const own = userId === session.auth?.user?.id;
  renderDialog(userId, own);
  if (!dialog.open) dialog.showModal();
  try {
    const answer = await authed(own ? "/api/me" : "/api/users/" + encodeURIComponent(userId));
    remember(answer.user);
    if (dialog.open) renderDialog(userId, own);
  } catch (e) {
    $("profile-error").textContent = e.message;
  }
}

function renderDialog(userId, own) {
  const profile = profileOf(userId) || { id: userId, name: "…", handle: "", kind: "" };
  $("profile-title").textContent = own ? "Your profile" : profile.name;
  $("profile-error").textContent = "";
  $("profile-error").className = "error small";
  const big = avatarNode(userId, 96);
  big.classList.add("big");
  if (big.tagName === "IMG") big.alt = `Avatar of ${profile.name}`;
  const facts = el("dl", { className: "facts" },
    el("dt", {}, "Name"), el("dd", {}, profile.name),
    el("dt", {}, "Handle"), el("dd", {}, profile.handle ? "@" + profile.handle : "…"),
    el("dt", {}, "Kind"), el("dd", {}, profile.kind === "guest" ? "Guest" : profile.kind ? "Account" : "…"));
  $("profile-body").replaceChildren(...[big, facts, own ? usageFacts() : null, own ? ownForm(profile) : null].filter(Boolean));
}

/** Today's companion tokens and the quota, filled in when GET /api/me/usage answers. */
function usageFacts() {
  const today = el("dd", { id: "usage-today" }, "…");
  authed("/api/me/usage").then(({ usage }) => {
    const limit = usage.quota.daily.limit;
    today.textContent = usage.today.total.toLocaleString() + " tokens" + (limit ? ` of ${limit.toLocaleString()}` : "");
  }).catch(() => { today.textContent = "not available"; });
  return el("dl", { className: "facts" }, el("dt", {}, "Companion use today"), today);
}

function ownForm(profile) {
  const name = el("input", { id: "profile-name", value: profile.name, maxLength: 64, autocomplete: "nickname" });
  const handle = el("input", { id: "profile-handle", value: profile.handle || "", maxLength: 32, autocomplete: "off",
    spellcheck: false, pattern: "[A-Za-z0-9_]{3,32}", "aria-describedby": "handle-hint" });
  const file = el("input", { id: "profile-avatar", type: "file", accept: "image/png,image/jpeg,image/gif,image/webp" });
  const save = async (event) => {
    event.preventDefault();
    const changes = {};
    if (name.value.trim() !== profile.name) changes.name = name.value.trim();
    if (handle.value.trim().toLowerCase() !== (profile.handle || "")) changes.handle = handle.value.trim();
    try {
      if (Object.keys(changes).length) remember((await authed("/api/me", { method: "PATCH", body: changes })).user);
      if (file.files[0]) remember(await putAvatar(file.files[0]));
      $("me").textContent = session.auth.user.name + (profile.kind === "guest" ? " (guest)" : "");
      scheduleRender();
      renderDialog(profile.id, true);
      $("profile-error").textContent = "Saved.";
      $("profile-error").className = "saved small";
    } catch (e) {
      $("profile-error").textContent = e.code === "CONFLICT" ? "That handle is taken: choose another." : e.message;
    }
  };
  const removeAvatar = async () => {
    try {
      remember((await authed("/api/me/avatar", { method: "DELETE" })).user);
      scheduleRender();
      renderDialog(profile.id, true);
    } catch (e) {
      $("profile-error").textContent = e.message;
    }
  };
  return el("form", { className: "stack profile-form", onsubmit: save, noValidate: true },
    el("label", { htmlFor: "profile-name" }, "Display name"), name,
    el("label", { htmlFor: "profile-handle" }, "Handle"), handle,
    el("p", { className: "hint", id: "handle-hint" }, "3-32 letters, digits and _; unique."),
    el("label", { htmlFor: "profile-avatar" }, "Avatar (PNG, JPEG, GIF or WebP, up to 5 MB)"), file,
    el("div", { className: "row" },
      el("button", { type: "submit", className: "primary grow" }, "Save"),
      profile.avatarUrl ? el("button", { type: "button", className: "secondary", onclick: removeAvatar }, "Remove avatar") : null));
}

async function putAvatar(picture) {
  if (picture.size > AVATAR_MAX_BYTES) throw new ApiError(413, { code: "PAYLOAD_TOO_LARGE", message: "That picture is over 5 MB." });
  const response = await fetch("/api/me/avatar", { method: "PUT", body: picture,
    headers: { authorization: "Bearer " + session.auth.token, "content-type": picture.type || "application/octet-stream" } });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, json.error);
  return json.user;
}
