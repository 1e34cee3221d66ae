/** The in-process run queue: a single process, such as one on PGlite. */
import type { RunQueue } from './types.js';

export function localRunQueue(): RunQueue {
  let advance: ((runId: string) => Promise<void>) | undefined;
  const pending: string[] = [];
  const inHand = new Set<Promise<void>>();
  const hand = (runId: string) => {
    if (!advance) {
      pending.push(runId);
      return;
    }
    const task = advance(runId)
      .catch(() => undefined)
      .finally(() => inHand.delete(task));
    inHand.add(task);
  };
  return {
    async enqueue(runId) {
      hand(runId);
    },
    async start(fn) {
      advance = fn;
      for (const id of pending.splice(0)) hand(id);
    },
    async stop() {
      advance = undefined;
      await Promise.all(inHand);
    },
    async depth() {
      return { waiting: pending.length, taken: inHand.size };
    },
  };
}
