/** The in-process run queue: a single process, such as one on PGlite. */
import type { RunQueue } from './types.js';

export function localRunQueue(): RunQueue {
  let advance: ((runId: string, requestId?: string) => Promise<void>) | undefined;
  const pending: [string, string | undefined][] = [];
  const inHand = new Set<Promise<void>>();
  const hand = (runId: string, requestId?: string) => {
    if (!advance) {
      pending.push([runId, requestId]);
      return;
    }
    const task = advance(runId, requestId)
      .catch(() => undefined)
      .finally(() => inHand.delete(task));
    inHand.add(task);
  };
  return {
    async enqueue(runId, requestId) {
      hand(runId, requestId);
    },
    async start(fn) {
      advance = fn;
      for (const [id, requestId] of pending.splice(0)) hand(id, requestId);
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
