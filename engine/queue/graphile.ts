/**
 * The run queue on graphile-worker 0.17: a `cordum_run` job per run in the
 * database's `graphile_worker` schema, taken by whichever engine process
 * is free. The job is done once the run stops (settles, waits, or another
 * process holds it). A job whose process died stays locked in
 * graphile-worker; the run itself is taken over by lease (`resumeDue`).
 */
import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import type { RunQueue } from './types.js';

const TASK = 'cordum_run';

// A job due later (a retry's backoff) is not yet waiting for a process.
const DEPTH = `SELECT count(*) FILTER (WHERE locked_at IS NULL AND run_at <= now()) AS waiting,
    count(*) FILTER (WHERE locked_at IS NOT NULL) AS taken
  FROM graphile_worker.jobs WHERE task_identifier = $1 AND attempts < max_attempts`;

// Jobs not taken yet, a retry's backoff among them (it is still the queue's to hand out).
const WAITING = `SELECT key FROM graphile_worker.jobs WHERE task_identifier = $1
  AND key = ANY($2) AND locked_at IS NULL AND attempts < max_attempts`;

// A library never prints: graphile-worker's logs are dropped.
const quiet = new Logger(() => () => undefined);

export interface GraphileQueueOptions {
  connectionString: string;
  /** Runs this process advances at once. */
  concurrency?: number;
  pollInterval?: number;
}

export async function graphileRunQueue(options: GraphileQueueOptions): Promise<RunQueue> {
  const utils: WorkerUtils = await makeWorkerUtils({
    connectionString: options.connectionString,
    logger: quiet,
  });
  await utils.migrate();
  let runner: Runner | undefined;
  return {
    async enqueue(runId, requestId, traceparent) {
      const payload = { run_id: runId, ...(requestId === undefined ? {}
        : { request_id: requestId }), ...(traceparent === undefined ? {} : { traceparent }) };
      await utils.addJob(TASK, payload, { jobKey: `run:${runId}`, maxAttempts: 3 });
    },
    async start(advance) {
      runner = await run({
        connectionString: options.connectionString,
        concurrency: options.concurrency ?? 4,
        pollInterval: options.pollInterval ?? 500,
        noHandleSignals: true,
        logger: quiet,
        taskList: {
          [TASK]: async (payload) => {
            const { run_id: runId, request_id: requestId, traceparent } =
              payload as { run_id?: unknown; request_id?: unknown; traceparent?: unknown };
            if (typeof runId !== 'string') return;
            await advance(runId, typeof requestId === 'string' ? requestId : undefined,
              typeof traceparent === 'string' ? traceparent : undefined);
          },
        },
      });
    },
    async stop() {
      await runner?.stop();
      await utils.release();
    },
    async depth() {
      // Jobs that failed for good (attempts used up) wait for nobody: they are left out.
      const { rows } = await utils.withPgClient((client) => client.query<{ waiting: string;
        taken: string }>(DEPTH, [TASK]));
      return { waiting: Number(rows[0]?.waiting ?? 0), taken: Number(rows[0]?.taken ?? 0) };
    },
    async waiting(runIds) {
      if (runIds.length === 0) return new Set();
      const { rows } = await utils.withPgClient((client) => client.query<{ key: string }>(
        WAITING, [TASK, runIds.map((id) => `run:${id}`)]));
      return new Set(rows.map((r) => r.key.slice('run:'.length)));
    },
  };
}
