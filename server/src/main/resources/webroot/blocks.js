// Whom I block: their messages are hidden here (the server sends everyone the same frames) and they
// cannot send me direct messages (the server refuses those).
import { authed } from "./api.js";
import { call } from "./connection.js";
import { scheduleRender } from "./views.js";

const blocked = new Set();

export const isBlocked = (userId) => blocked.has(userId);

export async function loadBlocks() {
  try {
    const { blocks } = await authed("/api/me/blocks");
    blocked.clear();
    blocks.forEach((b) => blocked.add(b.userId));
    scheduleRender();
  } catch { /* kept as it was; the next connection asks again */ }
}

/** Blocks or unblocks; the ack (with ok false and the error when refused). */
export async function setBlocked(userId, block) {
  const ack = await call(block ? "user:block" : "user:unblock", { userId });
  if (ack.ok) {
    if (block) blocked.add(ack.userId);
    else blocked.delete(ack.userId);
    scheduleRender();
  }
  return ack;
}
