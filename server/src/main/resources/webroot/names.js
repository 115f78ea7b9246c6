// Display names, and the short texts built from them and from the server's words.
import { otherMember } from "./people.js";
import { profileOf } from "./profiles.js";
import { me } from "./state.js";

/** A user's display name (profiles.js fetches it; the id's start until then). */
export function nameOf(userId) {
  if (userId === me()?.id) return me().name;
  return profileOf(userId)?.name || shortId(userId);
}

/** Card texts say {{char}} and {{user}}; the server fills them in replies, the client in descriptions. */
export const fillNames = (text, charName) => (text || "").replace(/\{\{char\}\}/gi, charName).replace(/\{\{user\}\}/gi, me()?.name || "you");

/** Server messages are lower-case phrases ("invalid username or password"); shown as a sentence. */
export const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".") : "");

const shortId = (id) => (id.length > 14 ? id.slice(0, 12) + "…" : id);

export const roomTitle = (room) => (room.direct ? nameOf(otherMember(room.id)) : "# " + room.id);
