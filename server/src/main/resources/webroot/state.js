// The client's shared state: the signed-in user, the rooms and companions it knows, and the open view.
import { session } from "./api.js";

const ROOMS_KEY = "nexus.rooms.";

export const rooms = new Map(); // roomId -> Room
export const companions = new Map(); // characterId -> Companion
export let current = { kind: "welcome" }; // {kind: "welcome" | "gallery" | "room" | "companion", id}
export const wide = window.matchMedia("(min-width: 761px)");

export const me = () => session.auth?.user;

export function setCurrent(view) {
  current = view;
}

export function isOpen(kind, id) {
  return current.kind === kind && current.id === id;
}

export function newRoom(id) {
  return { id, direct: id.startsWith("dm:"), joined: false, messages: new Map(), pending: new Map(),
    complete: false, loading: false, members: new Set(), typists: new Map(), unread: 0 };
}

export function newCompanion(character) {
  return { id: character.id, name: character.name, hasAvatar: character.hasAvatar, description: character.description || "",
    messages: [], pending: null, stream: null, failedReply: null, opened: false };
}

// The rooms a user has open come back after a reload.
export function savedRooms() {
  try {
    // public room ids are lower case on the server; rooms saved before under another case are the same room
    const ids = JSON.parse(localStorage.getItem(ROOMS_KEY + me().id)) || [];
    return [...new Set(ids.map((id) => (id.startsWith("dm:") ? id : id.toLowerCase())))];
  } catch {
    return [];
  }
}

export function saveRooms() {
  const ids = [...rooms.values()].filter((r) => r.joined || !r.direct).map((r) => r.id);
  localStorage.setItem(ROOMS_KEY + me().id, JSON.stringify(ids));
}
