/**
 * How late this machine wakes a sleeping thread: a worker sleeps 0.1 ms at a
 * time (Atomics.wait, a futex) for a few seconds and counts the wakes that
 * came over a millisecond late. A server idle between requests sleeps the
 * same way, so a request that arrives then waits as long; on a virtual
 * machine whose idle vCPUs the host parks, that lateness, not the server,
 * sets the tail latency (docs/limitations.md).
 */
import { Worker } from 'node:worker_threads';

export interface WakeLateness {
  /** Wakes over 1 ms late. */
  late: number;
  /** Their lateness summed, as a share of the time measured (0-1). */
  share: number;
  /** The latest wake, ms past its due time. */
  worstMs: number;
}

// Plain JavaScript: started from source so the bundle needs no second entry.
const WORKER = `
const { parentPort, workerData: seconds } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const start = now();
let late = 0, lateMs = 0, worstMs = 0;
while (now() - start < seconds * 1000) {
  const before = now();
  Atomics.wait(cell, 0, 0, 0.1);
  const over = now() - before - 0.1;
  if (over > 1) { late++; lateMs += over; }
  if (over > worstMs) worstMs = over;
}
parentPort.postMessage({ late, share: lateMs / (now() - start), worstMs });
`;

export function wakeLateness(seconds = 3): Promise<WakeLateness> {
  const worker = new Worker(WORKER, { eval: true, workerData: seconds });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: WakeLateness) => {
      void worker.terminate();
      resolve(m);
    });
  });
}
