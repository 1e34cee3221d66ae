/**
 * `cordum engine serve`: the engine's HTTP API on loopback, with a poller
 * that picks up runs that are pending, whose timers are due, or whose
 * process died. It runs until SIGINT or SIGTERM.
 */
import type { Reporter } from '../../cli/output.js';
import { EngineError } from '../errors.js';
import { startEngineServer } from '../http/server.js';
import { localRunQueue } from '../queue/local.js';
import type { RunQueue } from '../queue/types.js';
import { openEngine, type EngineFlags } from '../wiring.js';

export interface ServeFlags extends EngineFlags {
  port?: string;
  host?: string;
  leaseMs?: string;
  pollMs?: string;
  concurrency?: string;
}

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 0) {
    throw new EngineError('usage', `${flag} must be a whole number`);
  }
  return n;
}

export async function serveBody(flags: ServeFlags, reporter: Reporter): Promise<void> {
  const tuning: Parameters<typeof openEngine>[1]['tuning'] = {};
  const leaseMs = int(flags.leaseMs, '--lease-ms');
  const concurrency = int(flags.concurrency, '--concurrency');
  if (leaseMs !== undefined) tuning.leaseMs = leaseMs;
  if (concurrency !== undefined) tuning.concurrency = concurrency;
  const progress = (line: string) => reporter.progress(line);
  const open = await openEngine(flags, { packs: true, progress, tuning });
  const queue = await queueFor(concurrency);
  await queue.start(async (runId) => {
    await open.engine.resume(runId);
  });
  const options: Parameters<typeof startEngineServer>[0] = {
    engine: open.engine,
    ready: async () => (await open.db.query('SELECT 1')).rows.length === 1,
    port: int(flags.port, '--port') ?? 8787,
    queue,
  };
  if (flags.host !== undefined) options.host = flags.host;
  const pollMs = int(flags.pollMs, '--poll-ms');
  if (pollMs !== undefined) options.pollMs = pollMs;
  const server = await startEngineServer(options);
  reporter.progress(`engine listening on ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await queue.stop();
  await open.close();
}

/** PostgreSQL: graphile-worker, shared by every engine process; PGlite: in-process. */
async function queueFor(concurrency: number | undefined): Promise<RunQueue> {
  const url = process.env.DATABASE_URL;
  if (!url) return localRunQueue();
  const { graphileRunQueue } = await import('../queue/graphile.js');
  const options: Parameters<typeof graphileRunQueue>[0] = { connectionString: url };
  if (concurrency !== undefined) options.concurrency = concurrency;
  return graphileRunQueue(options);
}
