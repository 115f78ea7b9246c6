// "Jump to latest": messages that arrive while the reader is scrolled up are counted on a button over the
// log; it scrolls down to them. Reaching the bottom by scrolling hides it too.
import { $ } from "./dom.js";
import { NEAR_BOTTOM_PX } from "./views.js";

let unseen = 0;

const nearBottom = () => {
  const log = $("log");
  return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
};

export function initJump() {
  $("log").addEventListener("scroll", () => {
    if (unseen && nearBottom()) resetJump();
  });
  $("jump").addEventListener("click", () => {
    const log = $("log");
    log.scrollTop = log.scrollHeight;
    resetJump();
    $("message").focus();
  });
}

/** Someone else's message arrived in the open conversation (before the log shows it). */
export function noteIncoming() {
  if (nearBottom()) return;
  unseen++;
  render();
}

export function resetJump() {
  unseen = 0;
  render();
}

function render() {
  const button = $("jump");
  button.hidden = unseen === 0;
  button.textContent = unseen === 1 ? "1 new message ↓" : `${unseen} new messages ↓`;
  button.title = "Jump to latest";
}
