/**
 * One engine process of the engine bench's multi-process row, forked by
 * bench/engine.ts with the database URL in CORDUM_BENCH_ENGINE_URL. It warms
 * up, says `ready`, waits for `go`, runs its share of single-step runs
 * through its own engine on the shared database, says `done` with its CPU
 * time, and exits.
 */
import { openDatabase } from '../storage/database.js';
import { benchEngine, jobsPerSecond } from './engine.js';

interface Go {
  go: true;
  count: number;
}

const send = (message: object) => new Promise<void>((done, fail) => {
  process.send!(message, (err: Error | null) => (err ? fail(err) : done()));
});

async function main(): Promise<void> {
  const url = process.env.CORDUM_BENCH_ENGINE_URL;
  const warmup = Number(process.env.CORDUM_BENCH_ENGINE_WARMUP ?? 1000);
  if (!url || !process.send) {
    throw new Error('engine_process: fork me with CORDUM_BENCH_ENGINE_URL');
  }
  const db = await openDatabase({ url });
  try {
    const engine = await benchEngine(db);
    await jobsPerSecond(engine, 'bench.one', warmup, 1);
    const go = new Promise<Go>((done) => process.once('message', (m) => done(m as Go)));
    await send({ ready: true });
    const { count } = await go;
    const [rate, cpuPerJob] = await jobsPerSecond(engine, 'bench.one', count, 1);
    await send({ done: true, rate, cpu: cpuPerJob * count });
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`engine_process: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
