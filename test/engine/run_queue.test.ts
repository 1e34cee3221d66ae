/**
 * The run queues hand each run to `advance` with the request that queued
 * it, so that the run's log lines name that request in whichever process
 * takes it: graphile-worker on PostgreSQL, the in-process queue otherwise;
 * the in-process one keeps to its concurrency.
 */
import { describe, expect, it } from 'vitest';
import { graphileRunQueue } from '../../engine/queue/graphile.js';
import { localRunQueue } from '../../engine/queue/local.js';
import type { RunQueue } from '../../engine/queue/types.js';
import { postgresBackend } from '../helpers/databases.js';

async function handed(queue: RunQueue, count: number) {
  const got: [string, ...(string | undefined)[]][] = [];
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await queue.start(async (runId, requestId, traceparent) => {
    got.push(traceparent === undefined ? [runId, requestId] : [runId, requestId, traceparent]);
    if (got.length === count) done();
  });
  await all;
  await queue.stop();
  return got.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The caller's span, as its request's `traceparent` named it. */
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('run queues carry the request that queued a run', () => {
  it('in process: queued before and after start', async () => {
    const queue = localRunQueue();
    await queue.enqueue('run-a', 'req-a');
    const got = handed(queue, 3);
    await queue.enqueue('run-b');
    await queue.enqueue('run-c', 'req-c', TRACEPARENT);
    expect(await got).toEqual([['run-a', 'req-a'], ['run-b', undefined],
      ['run-c', 'req-c', TRACEPARENT]]);
  });

  it('in process: at most `concurrency` runs at once, the rest in order', async () => {
    const queue = localRunQueue(2);
    const started: string[] = [];
    const release: (() => void)[] = [];
    let most = 0;
    let busy = 0;
    await queue.start(async (runId) => {
      started.push(runId);
      most = Math.max(most, ++busy);
      await new Promise<void>((r) => release.push(r));
      busy--;
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await queue.enqueue(id);
    expect(started).toEqual(['a', 'b']);
    expect(await queue.depth()).toEqual({ waiting: 3, taken: 2 });
    for (let i = 0; i < 5; i++) {
      release.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await queue.stop();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
  });

  it('through graphile-worker on PostgreSQL', async () => {
    const { url } = await postgresBackend.fresh();
    const queue = await graphileRunQueue({ connectionString: url!, pollInterval: 100 });
    await queue.enqueue('run-a', 'req-a');
    await queue.enqueue('run-b');
    await queue.enqueue('run-c', 'req-c', TRACEPARENT);
    expect(await handed(queue, 3)).toEqual([['run-a', 'req-a'], ['run-b', undefined],
      ['run-c', 'req-c', TRACEPARENT]]);
  }, 60_000);
});
