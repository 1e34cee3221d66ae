/**
 * Engine throughput: 10,000 single-step and 1,000 ten-step workflows with
 * the built-in echo worker, on PGlite and (when a URL is given) PostgreSQL,
 * runs started IN_FLIGHT at a time through `Engine.start` (as many callers
 * would), their writes group-committed, after an untimed fifth of each
 * to warm up. Prints jobs/s, a job being one worker step.
 * CORDUM_BENCH_ENGINE_SCALE (0-1) shrinks the counts;
 * CORDUM_BENCH_ENGINE_STORAGE keeps one back end. The engine's own CPU time a job
 * (this process; on PGlite that includes the database) moves less with the machine's load.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFragment } from '../packs/policy/fragment.js';
import { buildSnapshot } from '../packs/policy/snapshot.js';
import type { Step, Workflow } from '../packs/workflow/types.js';
import { builtinHandler } from '../engine/handlers/builtin.js';
import { handlerTable } from '../engine/handlers/table.js';
import { createEngine, type Engine } from '../engine/runner.js';
import { openDatabase, type Database } from '../storage/database.js';
import { printTable } from './table.js';

const IN_FLIGHT = Number(process.env.CORDUM_BENCH_ENGINE_IN_FLIGHT ?? 256);

function echoWorkflow(name: string, steps: number): Workflow {
  const all: Record<string, Step> = {};
  for (let i = 0; i < steps; i++) {
    const step: Step = {
      id: `s${i}`,
      type: 'worker',
      topic: 'job.bench.echo',
      input: { message: `step ${i}` },
      meta: { pack_id: 'bench', capability: 'bench.echo' },
    };
    if (i > 0) step.depends_on = [`s${i - 1}`];
    all[step.id] = step;
  }
  return { id: `bench.${name}`, steps: all };
}

async function benchEngine(db: Database): Promise<Engine> {
  const fragment = toFragment(
    {
      version: 'v1',
      rules: [{ id: 'allow', match: { topics: ['job.bench.*'] }, decision: 'allow' }],
    },
    { packId: 'bench', file: 'bench.yaml' },
  );
  return createEngine({
    db,
    snapshot: buildSnapshot([{ packId: 'bench', version: '0.0.0', fragment }]),
    workflows: [echoWorkflow('one', 1), echoWorkflow('ten', 10)],
    schemas: new Map(),
    handlers: handlerTable([{ topics: ['job.bench.*'], handler: builtinHandler('echo') }]),
  });
}

/** Runs `count` runs of the workflow, IN_FLIGHT at once: jobs a second and CPU µs a job. */
async function jobsPerSecond(engine: Engine, workflowId: string, count: number, steps: number) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const lane = async () => {
    while (next < count) {
      next++;
      const view = await engine.start(workflowId, {});
      if (view.run.status !== 'succeeded') failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (failed > 0) throw new Error(`${failed} bench runs of ${workflowId} did not succeed`);
  return [(count * steps) / seconds, (used.user + used.system) / (count * steps)];
}

/**
 * The floor under the engine on the same database: a job queue written by
 * hand as batched SQL, each job a row inserted (a batch of 256 in one
 * statement) and then marked done with its output (one statement a batch),
 * two batches in flight on two connections like the engine's two writers.
 * No policy, no workflow, no timeline: what the database alone allows a job here.
 */
async function handBatchedSql(db: Database, count: number) {
  await db.exec(`DROP TABLE IF EXISTS bench_jobs;
    CREATE UNLOGGED TABLE bench_jobs (id text PRIMARY KEY, status text NOT NULL,
      input json NOT NULL, output json)`);
  const batch = 256;
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const lane = async (writer: number) => {
    const w = db.writer(writer);
    while (next < count) {
      const ids: string[] = [];
      for (let i = 0; i < batch && next < count; i++) ids.push(`job-${next++}`);
      await w.query(`INSERT INTO bench_jobs (id, status, input)
        SELECT id, 'running', json_build_object('message', 'step 0')
        FROM unnest($1::text[]) AS id`, [ids]);
      await w.query(`UPDATE bench_jobs SET status = 'succeeded',
        output = json_build_object('echo', input->>'message') WHERE id = ANY($1::text[])`, [ids]);
    }
  };
  await Promise.all([lane(0), lane(1)]);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await db.exec('DROP TABLE bench_jobs');
  return [count / seconds, (used.user + used.system) / count];
}

export async function runEngineBench(_root: string, databaseUrl?: string): Promise<void> {
  const scale = Math.min(1, Math.max(0.001, Number(process.env.CORDUM_BENCH_ENGINE_SCALE ?? 1)));
  const single = Math.max(1, Math.round(10_000 * scale));
  const ten = Math.max(1, Math.round(1_000 * scale));
  const targets: [string, () => Promise<Database>][] = [
    [
      'PGlite',
      () => openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'cordum-bench-engine-')) }),
    ],
  ];
  if (databaseUrl) targets.push(['PostgreSQL', () => openDatabase({ url: databaseUrl })]);
  // CORDUM_BENCH_ENGINE_STORAGE=PGlite (or PostgreSQL) keeps one back end, for profiling.
  const only = process.env.CORDUM_BENCH_ENGINE_STORAGE?.toLowerCase();
  const rows: (string | number)[][] = [];
  for (const [name, open] of targets) {
    if (only && name.toLowerCase() !== only) continue;
    const db = await open();
    try {
      const engine = await benchEngine(db);
      // Untimed first: the JIT and the database's first statements are not what a
      // long-running engine pays per job.
      await jobsPerSecond(engine, 'bench.one', Math.max(1, Math.round(single / 5)), 1);
      await jobsPerSecond(engine, 'bench.ten', Math.max(1, Math.round(ten / 5)), 10);
      rows.push([name, `${single} single-step runs`,
        ...await jobsPerSecond(engine, 'bench.one', single, 1)]);
      rows.push([name, `${ten} ten-step runs`,
        ...await jobsPerSecond(engine, 'bench.ten', ten, 10)]);
      await handBatchedSql(db, Math.round(single / 5));
      rows.push([name, `(floor) ${single} jobs as hand-batched SQL, no engine`,
        ...await handBatchedSql(db, single)]);
    } finally {
      await db.close();
    }
  }
  printTable(
    'Engine, built-in echo worker (jobs/s; Cordum: 8.5k single-step jobs/s)',
    ['storage', 'workload', 'jobs/s', 'engine CPU µs/job'],
    rows,
  );
}
