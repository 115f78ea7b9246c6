// Files and images in rooms: uploading from the composer (button, paste, drop) with progress, and
// showing what messages carry: images inline from their preview, other files as a download link.
import { session } from "./api.js";
import { $, el } from "./dom.js";
import { sentence } from "./names.js";
import { sendToRoom } from "./rooms.js";
import { current, rooms } from "./state.js";

const MAX_BYTES = 10 * 1024 * 1024; // UPLOAD_MAX_BYTES' default; the server has the last word

// Upload bytes need the Authorization header, so they are fetched by script: previews become data: URLs
// (the page's Content-Security-Policy lets images come from 'self' and data: only), full-size files
// object URLs opened in a tab of their own or saved.
const blobs = new Map(); // url -> Promise<objectURL>
const previews = new Map(); // url -> Promise<data: URL>

export function initAttachments() {
  $("attach-button").addEventListener("click", () => $("attach-input").click());
  $("attach-input").addEventListener("change", () => {
    const file = $("attach-input").files[0];
    $("attach-input").value = "";
    if (file) attach(file);
  });
  $("message").addEventListener("paste", (event) => {
    const file = [...(event.clipboardData?.files || [])][0];
    if (file) {
      event.preventDefault();
      attach(file);
    }
  });
  const view = $("chat-view");
  view.addEventListener("dragover", (event) => {
    if (current.kind === "room" && event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
  view.addEventListener("drop", (event) => {
    const file = event.dataTransfer?.files?.[0];
    if (file && current.kind === "room") {
      event.preventDefault();
      attach(file);
    }
  });
}

function state(text, kind = "") {
  $("composer-state").className = "composer-state" + (kind ? " " + kind : "");
  $("composer-state").textContent = text;
}

/** Uploads a file to the open room, then sends it with the text typed so far. */
export async function attach(file) {
  if (current.kind !== "room") return;
  const room = rooms.get(current.id);
  if (file.size > MAX_BYTES) {
    state(`“${file.name}” is too large: files may be at most ${size(MAX_BYTES)}.`, "bad");
    return;
  }
  $("attach-button").disabled = true;
  try {
    const upload = await send(room.id, file, (done) => state(`Uploading “${file.name}”… ${done} %`));
    state("");
    const text = $("message").value.trim();
    $("message").value = "";
    sendToRoom(room, text, upload);
  } catch (e) {
    state(e.message, "bad");
  } finally {
    $("attach-button").disabled = false;
  }
}

function send(roomId, file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/rooms/${encodeURIComponent(roomId)}/uploads`);
    xhr.setRequestHeader("authorization", "Bearer " + session.auth.token);
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(Math.round((100 * e.loaded) / e.total));
    xhr.onerror = () => reject(new Error("The upload failed: check your connection."));
    xhr.onload = () => {
      let json = {};
      try { json = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 201) resolve(json.upload);
      else if (xhr.status === 413) reject(new Error(`“${file.name}” is too large for this server.`));
      else if (xhr.status === 403) reject(new Error("You may not send files to this room."));
      else reject(new Error(sentence(json.error?.message || `The upload failed (HTTP ${xhr.status})`)));
    };
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/** An object URL for an upload's bytes, fetched once with the session's token. */
function blobUrl(url) {
  if (!blobs.has(url)) {
    blobs.set(url, fetch(url, { headers: { authorization: "Bearer " + session.auth.token } })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error("HTTP " + r.status))))
      .then((b) => URL.createObjectURL(b))
      .catch((e) => { blobs.delete(url); throw e; }));
  }
  return blobs.get(url);
}

/** A data: URL of a (small) preview, fetched once with the session's token. */
function dataUrl(url) {
  if (!previews.has(url)) {
    previews.set(url, fetch(url, { headers: { authorization: "Bearer " + session.auth.token } })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error("HTTP " + r.status))))
      .then((b) => new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(b);
      }))
      .catch((e) => { previews.delete(url); throw e; }));
  }
  return previews.get(url);
}

/** The badge of a file: its extension ("PDF"), or "FILE". */
const extension = (name) => (/\.([A-Za-z0-9]{1,4})$/.exec(name)?.[1] || "file").toUpperCase();

export const size = (bytes) => (bytes >= 1024 * 1024 ? (bytes / (1024 * 1024)).toFixed(1) + " MB"
  : bytes >= 1024 ? Math.round(bytes / 1024) + " KB" : bytes + " bytes");

/** What a message shows of its attachment. */
export function attachmentNode(attachment) {
  const path = "/api/uploads/" + encodeURIComponent(attachment.id);
  if (attachment.image) {
    const img = el("img", { className: "shot", alt: `Image: ${attachment.name}`, width: attachment.width, height: attachment.height });
    dataUrl(path + "/preview").then((u) => { img.src = u; }, () => { img.alt = `Image not available: ${attachment.name}`; });
    return el("button", { type: "button", className: "shot-button", title: `Open ${attachment.name} full size`,
      onclick: () => blobUrl(path).then((u) => window.open(u, "_blank", "noopener")) }, img);
  }
  const save = (event) => {
    event.preventDefault();
    blobUrl(path).then((u) => el("a", { href: u, download: attachment.name }).click());
  };
  return el("a", { href: path, className: "file", download: attachment.name, title: `Download ${attachment.name}`, onclick: save },
  el("span", { className: "file-icon", ariaHidden: "true" }, extension(attachment.name)),
  el("span", { className: "file-name" }, attachment.name),
  el("span", { className: "file-size" }, size(attachment.size)));
}
