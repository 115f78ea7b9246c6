// Small DOM helpers: elements are built, never parsed from HTML strings.

export const $ = (id) => document.getElementById(id);

/** el("li", {className: "x", onclick}, child, "text", ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// White letters on each at least 4.5:1, though they only repeat a name written next to them.
const COLORS = ["#4f46e5", "#0369a1", "#0f766e", "#b45309", "#be185d", "#7c3aed", "#047857", "#b91c1c"];

/** A round badge with the first letter of a name, coloured by the name. */
export function initials(name, size, className = "") {
  let hash = 0;
  for (const ch of name || "?") hash = (hash * 31 + ch.codePointAt(0)) | 0;
  const node = el("span", { className: "initials " + className, ariaHidden: "true" }, (name || "?").trim().charAt(0).toUpperCase() || "?");
  node.style.background = COLORS[Math.abs(hash) % COLORS.length];
  if (size) {
    node.style.width = size + "px";
    node.style.height = size + "px";
  }
  return node;
}

/** A random id for idempotent sends (crypto.randomUUID needs a secure context; plain http on a LAN is not). */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
