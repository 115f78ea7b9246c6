// The message length against the server's limit (4,000 characters counted as code points, as the server
// counts them: an emoji is one): a counter under the composer from near the limit, and over it a warning
// and no sending, so a long paste is never cut silently.
import { $ } from "./dom.js";

export const MAX_CHARACTERS = 4_000;
const SHOW_FROM = 3_500;
const number = new Intl.NumberFormat("en");

function characters(text) {
  let count = 0;
  for (const _ of text) count++; // eslint-disable-line no-unused-vars
  return count;
}

/** What stops this text from being sent, or null. */
export function composerProblem(text) {
  const over = characters(text) - MAX_CHARACTERS;
  if (over <= 0) return null;
  return `Too long to send: ${number.format(over)} ${over === 1 ? "character" : "characters"} over the limit of ${number.format(MAX_CHARACTERS)}. Shorten it or split it in two.`;
}

export function renderCount() {
  const count = characters($("message").value.trim());
  const node = $("composer-count");
  node.hidden = count < SHOW_FROM;
  node.textContent = `${number.format(count)} / ${number.format(MAX_CHARACTERS)}`;
  node.classList.toggle("bad", count > MAX_CHARACTERS);
  if (count > MAX_CHARACTERS) $("message").setAttribute("aria-invalid", "true");
  else $("message").removeAttribute("aria-invalid");
}
