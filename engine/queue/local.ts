/**
 * The in-process run queue: a single process, such as one on PGlite. It
 * advances at most `concurrency` runs at once, as graphile-worker does for
 * each process on PostgreSQL; the rest wait in order.
 */
import type { RunQueue } from './types.js';

export function localRunQueue(concurrency = 4): RunQueue {
  let advance: ((runId: string, requestId?: string, traceparent?: string) => Promise<void>)
    | undefined;
  const pending: [string, string | undefined, string | undefined][] = [];
  const inHand = new Set<Promise<void>>();
  const take = () => {
    while (advance && inHand.size < concurrency && pending.length > 0) {
      const [runId, requestId, traceparent] = pending.shift()!;
      const task = advance(runId, requestId, traceparent)
        .catch(() => undefined)
        .finally(() => {
          inHand.delete(task);
          take();
        });
      inHand.add(task);
    }
  };
  return {
    async enqueue(runId, requestId, traceparent) {
      pending.push([runId, requestId, traceparent]);
      take();
    },
    async start(fn) {
      advance = fn;
      take();
    },
    async stop() {
      advance = undefined;
      await Promise.all(inHand);
    },
    async depth() {
      return { waiting: pending.length, taken: inHand.size };
    },
    async waiting(runIds) {
      const asked = new Set(runIds);
      return new Set(pending.map(([id]) => id).filter((id) => asked.has(id)));
    },
  };
}
