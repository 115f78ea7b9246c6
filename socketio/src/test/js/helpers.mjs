// Waiting helpers shared by the Node.js test scenarios (interop.test.mjs, redis-adapter.test.mjs): every
// wait is bounded and says what it waited for when it gives up.

import assert from "node:assert/strict";

/** Longest wait for one expected event (generous: a loaded CI machine can stall for seconds). */
export const STEP_MS = 10_000;
/** How long a client is watched to show that something does NOT arrive. */
export const QUIET_MS = 300;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects after ms with a message saying what was awaited. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls condition (plain or async) until it holds, or fails after STEP_MS. */
export async function until(condition, what) {
  const deadline = Date.now() + STEP_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${STEP_MS} ms waiting for ${what}`);
    }
    await sleep(10);
  }
}

/**
 * Records every occurrence of an event (its argument list) so that none is missed between awaits. With
 * {@code answer}, an occurrence that asks for an ack is answered with answer(event) at once, and its
 * callback is not recorded.
 */
export class Inbox {
  constructor(emitter, event, { answer } = {}) {
    this.event = event;
    this.items = [];
    this.waiters = [];
    emitter.on(event, (...args) => {
      if (answer && typeof args[args.length - 1] === "function") {
        args.pop()(answer(event));
      }
      const waiter = this.waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(args);
      } else {
        this.items.push(args);
      }
    });
  }

  /** The next occurrence's arguments. */
  next(ms = STEP_MS) {
    if (this.items.length > 0) {
      return Promise.resolve(this.items.shift());
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no "${this.event}" within ${ms} ms`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  /** Asserts that nothing (more) arrives for ms. */
  async none(ms = QUIET_MS, what = this.event) {
    await sleep(ms);
    assert.deepEqual(this.items, [], `unexpected "${what}"`);
  }
}
