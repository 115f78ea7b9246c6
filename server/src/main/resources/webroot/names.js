// Display names, and the short texts built from them and from the server's words.
import { api } from "./api.js";
import { otherMember } from "./people.js";
import { me } from "./state.js";
import { scheduleRender } from "./views.js";

const names = new Map(); // userId -> display name
const nameRequests = new Map();

export function nameOf(userId) {
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
export const fillNames = (text, charName) => (text || "").replace(/\{\{char\}\}/gi, charName).replace(/\{\{user\}\}/gi, me()?.name || "you");

/** Server messages are lower-case phrases ("invalid username or password"); shown as a sentence. */
export const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".") : "");

const shortId = (id) => (id.length > 14 ? id.slice(0, 12) + "…" : id);

export const roomTitle = (room) => (room.direct ? nameOf(otherMember(room.id)) : "# " + room.id);
