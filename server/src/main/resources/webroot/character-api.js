// The character routes over REST: JSON like api.js, plus the bodies it does not send (a card file as a
// form, a picture) and the bytes of an export.
import { ApiError, refresh, session } from "./api.js";

async function request(path, { method = "GET", json, body, type, as = "json" } = {}) {
  const go = async () => {
    const headers = { accept: as === "json" ? "application/json" : "*/*" };
    if (session.auth?.token) headers.authorization = "Bearer " + session.auth.token;
    if (json !== undefined) headers["content-type"] = "application/json";
    else if (type) headers["content-type"] = type;
    let response;
    try {
      response = await fetch(path, { method, headers, body: json !== undefined ? JSON.stringify(json) : body });
    } catch {
      throw new ApiError(0, { code: "OFFLINE", message: "The server cannot be reached. Check your connection." });
    }
    if (!response.ok) {
      const error = (await response.json().catch(() => ({}))).error || { code: "INTERNAL", message: `HTTP ${response.status}` };
      throw new ApiError(response.status, error);
    }
    return as === "json" ? response.json() : response.blob();
  };
  try {
    return await go();
  } catch (e) {
    if (e.status === 401 && (await refresh())) return go();
    throw e;
  }
}

const one = (id) => "/api/characters/" + encodeURIComponent(id);

export const characterApi = {
  gallery: ({ before, q, tag } = {}) => {
    const params = new URLSearchParams();
    if (before) params.set("before", before);
    if (q) params.set("q", q);
    if (tag) params.set("tag", tag);
    return request("/api/characters" + (params.size ? "?" + params : ""));
  },
  mine: (before) => request("/api/characters/mine" + (before ? "?before=" + encodeURIComponent(before) : "")),
  get: (id) => request(one(id)),
  create: (card, visibility) => request("/api/characters?visibility=" + visibility, { method: "POST", json: card }),
  /** A card file (JSON, PNG or CHARX) as a form, as browsers send files. */
  importFile: (file, visibility) => {
    const form = new FormData();
    form.append("visibility", visibility);
    form.append("file", file);
    return request("/api/characters", { method: "POST", body: form });
  },
  edit: (id, data, visibility) => request(one(id), { method: "PATCH", json: { data, visibility } }),
  picture: (id, file) => request(one(id) + "/avatar", { method: "PUT", body: file, type: "image/png" }),
  duplicate: (id) => request(one(id) + "/duplicate", { method: "POST" }),
  remove: (id) => request(one(id), { method: "DELETE" }),
  exportFile: (id, format) => request(one(id) + "/export?format=" + format, { as: "blob" }),
  avatar: (id) => request(one(id) + "/avatar", { as: "blob" }),
};
