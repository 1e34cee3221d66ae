/**
 * Engine throughput: 10,000 single-step and 1,000 ten-step workflows with
 * the built-in echo worker, on PGlite and (when a URL is given) PostgreSQL,
 * reached by TCP and, when its socket's folder is known, through its Unix socket,
 * runs started IN_FLIGHT at a time through `Engine.start` (as many callers
 * would), their writes group-committed, after an untimed fifth of each
 * to warm up. Prints jobs/s, a job being one worker step.
 * On PostgreSQL a further row shares the single-step runs between
 * CORDUM_BENCH_ENGINE_PROCESSES (default 2) engine processes on the one
 * database, as `engine serve` processes would: each warms up, then all
 * start together and the row counts from then until the last is done.
 * Each single-process workload is timed CORDUM_BENCH_ENGINE_TRIALS (default 3)
 * times on emptied run tables, and the row gives the best trial and the median.
 * CORDUM_BENCH_ENGINE_SCALE (0-1) shrinks the counts;
 * CORDUM_BENCH_ENGINE_STORAGE keeps one back end. The engine's own CPU time a job
 * (this process; on PGlite that includes the database) moves less with the machine's load.
 */
import { fork } from 'node:child_process';
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

export async function benchEngine(db: Database): Promise<Engine> {
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
export async function jobsPerSecond(engine: Engine, workflowId: string, count: number,
  steps: number) {
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

interface FromProcess {
  ready?: true;
  done?: true;
  cpu?: number;
}

/**
 * `count` single-step runs shared by `processes` engine processes on the
 * database at `url` (bench/engine_process.ts): jobs a second from the
 * moment all were told to go until the last finished, and their CPU µs a job.
 */
async function severalProcesses(
  root: string,
  url: string,
  processes: number,
  count: number,
  warmup: number,
) {
  // The build puts it beside dist/bench/main.js.
  const script = join(root, 'dist', 'bench', 'engine_process.js');
  const env = {
    ...process.env,
    CORDUM_BENCH_ENGINE_URL: url,
    CORDUM_BENCH_ENGINE_WARMUP: String(warmup),
  };
  const children = Array.from({ length: processes }, () =>
    fork(script, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const next = (child: (typeof children)[number], want: keyof FromProcess) =>
    new Promise<FromProcess>((done, fail) => {
      const onMessage = (m: FromProcess) => {
        if (!m[want]) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        done(m);
      };
      const onExit = (code: number | null) =>
        fail(new Error(`bench engine process exited (${code}) before it was ${want}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  try {
    await Promise.all(children.map((c) => next(c, 'ready')));
    const finished = children.map((c) => next(c, 'done'));
    const started = performance.now();
    const share = Math.ceil(count / processes);
    children.forEach((c, i) => c.send({ go: true, count: Math.min(share, count - i * share) }));
    const reports = await Promise.all(finished);
    const seconds = (performance.now() - started) / 1000;
    const cpu = reports.reduce((sum, r) => sum + (r.cpu ?? 0), 0);
    return [count / seconds, cpu / count];
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

/** Timed trials of each workload; CORDUM_BENCH_ENGINE_TRIALS, default 3. */
const TRIALS = Math.max(1, Math.round(Number(process.env.CORDUM_BENCH_ENGINE_TRIALS ?? 3)));

/** The tables runs fill; emptied before each trial so that every one starts alike. */
const RUN_TABLES = 'engine_approvals, engine_timeline, engine_steps, engine_runs';

/**
 * The workload TRIALS times, each on emptied run tables: the best trial
 * (jobs/s and its CPU a job) and the median jobs/s. Other load on a shared
 * machine only ever slows a trial, so the best is the nearest to what the
 * engine can do, and the median shows how far the machine moved it.
 */
async function trials(db: Database, trial: () => Promise<number[]>) {
  const results: number[][] = [];
  for (let i = 0; i < TRIALS; i++) {
    await db.exec(`TRUNCATE ${RUN_TABLES}`);
    results.push(await trial());
  }
  const byRate = [...results].sort((a, b) => b[0]! - a[0]!);
  return [...byRate[0]!, byRate[Math.floor((byRate.length - 1) / 2)]![0]!];
}

/**
 * `databaseUrl` reaches PostgreSQL by TCP, `socketUrl` (when given) the same
 * server through its Unix socket, as an engine on the database's own machine
 * may: each gets rows of its own.
 */
export async function runEngineBench(root: string, databaseUrl?: string,
  socketUrl?: string): Promise<void> {
  const scale = Math.min(1, Math.max(0.001, Number(process.env.CORDUM_BENCH_ENGINE_SCALE ?? 1)));
  const single = Math.max(1, Math.round(10_000 * scale));
  const ten = Math.max(1, Math.round(1_000 * scale));
  const processes = Math.max(1, Number(process.env.CORDUM_BENCH_ENGINE_PROCESSES ?? 2));
  const targets: [string, () => Promise<Database>][] = [
    [
      'PGlite',
      () => openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'cordum-bench-engine-')) }),
    ],
  ];
  const servers: [string, string | undefined][] = [
    ['PostgreSQL, TCP', databaseUrl],
    ['PostgreSQL, Unix socket', socketUrl],
  ];
  for (const [name, url] of servers) {
    if (url) targets.push([name, () => openDatabase({ url })]);
  }
  // CORDUM_BENCH_ENGINE_STORAGE=PGlite (or PostgreSQL) keeps one back end, for profiling.
  const only = process.env.CORDUM_BENCH_ENGINE_STORAGE?.toLowerCase();
  const rows: (string | number)[][] = [];
  for (const [name, open] of targets) {
    if (only && !name.toLowerCase().startsWith(only)) continue;
    const db = await open();
    try {
      const engine = await benchEngine(db);
      // Untimed first: the JIT and the database's first statements are not what a
      // long-running engine pays per job.
      await jobsPerSecond(engine, 'bench.one', Math.max(1, Math.round(single / 5)), 1);
      await jobsPerSecond(engine, 'bench.ten', Math.max(1, Math.round(ten / 5)), 10);
      rows.push([name, `${single} single-step runs`,
        ...await trials(db, () => jobsPerSecond(engine, 'bench.one', single, 1))]);
      rows.push([name, `${ten} ten-step runs`,
        ...await trials(db, () => jobsPerSecond(engine, 'bench.ten', ten, 10))]);
      const url = servers.find(([server]) => server === name)?.[1];
      if (url && processes > 1) {
        await db.exec(`TRUNCATE ${RUN_TABLES}`);
        rows.push([`${name}, ${processes} engine processes`, `${single} single-step runs`,
          ...await severalProcesses(root, url, processes, single, Math.round(single / 5)), '']);
      }
      await handBatchedSql(db, Math.round(single / 5));
      rows.push([name, `(floor) ${single} jobs as hand-batched SQL, no engine`,
        ...await handBatchedSql(db, single), '']);
    } finally {
      await db.close();
    }
  }
  printTable(
    'Engine, built-in echo worker (jobs/s; Cordum: 8.5k single-step jobs/s)',
    ['storage', 'workload', `jobs/s (best of ${TRIALS})`, 'engine CPU µs/job (that trial)',
      `jobs/s (median of ${TRIALS})`],
    rows,
  );
}
