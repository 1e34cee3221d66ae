/**
 * Group commit: runs in flight at once share their writes' transactions,
 * and nothing a caller was told is lost or hidden from another process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { ENGINE_MIGRATIONS } from '../../engine/migrations.js';
import { createEngine, type Engine } from '../../engine/runner.js';
import type { Database, Queryable } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { PolicyHistory } from '../../engine/kernel/history.js';
import { PolicyKernel } from '../../engine/kernel/kernel.js';
import { createEngineMetrics } from '../../engine/observability/metrics.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase } from './fixtures.js';
import { watchJournal } from './journal_watch.js';
import type { RunRecord } from '../../engine/records.js';
import { decisionDetails, fromInlineStep, inlineStep, toEvent } from '../../engine/store_rows.js';

const snapshot = demoSnapshot();

/** The database, counting the journal's writes (the real statements, passed through). */
function counting(db: Database): Database & { writes: number } {
  const counted = watchJournal(db, () => counted.writes++) as Database & { writes: number };
  counted.writes = 0;
  return counted;
}

describe.each(backends())('group commit on $name', (backend) => {
  let open: () => Promise<Database>;
  const opened: Database[] = [];

  async function connect(): Promise<Database> {
    const db = await open();
    opened.push(db);
    return db;
  }

  async function engineOn(db: Database): Promise<Engine> {
    return createEngine({
      db,
      snapshot,
      workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS,
      handlers: handlerTable([{ topics: ['job.demo.*'], handler: builtinHandler('echo') }]),
    });
  }

  beforeEach(async () => {
    ({ open } = await freshDatabase(backend));
  });
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.close();
  });

  it('writes runs in flight together in far fewer statements than runs', async () => {
    const db = counting(await connect());
    const engine = await engineOn(db);
    const before = db.writes;
    const views = await Promise.all(
      Array.from({ length: 40 }, (_, i) => engine.start('demo.hello', { message: `m${i}` })),
    );
    expect(views.map((v) => v.run.status)).toEqual(Array(40).fill('succeeded'));
    // One write a run would be 40; shared flushes take a handful.
    expect(db.writes - before).toBeLessThan(20);
    expect(db.writes - before).toBeGreaterThan(0);

    // Another process sees every run whole, as the callers were told.
    const other = await engineOn(await connect());
    for (const view of views) {
      const seen = await other.view(view.run.id);
      expect(seen.run.status).toBe('succeeded');
      expect(seen.run.finished_at).toBe(view.run.finished_at);
      expect(seen.steps.map((s) => [s.step_id, s.status, s.output])).toEqual(
        view.steps.map((s) => [s.step_id, s.status, s.output]),
      );
      const types = (await other.timeline(view.run.id)).map((e) => e.type);
      expect(types).toEqual([
        'run_created',
        'run_status',
        'step_started',
        'decision',
        'job_dispatched',
        'step_succeeded',
        'run_status',
      ]);
    }
  });

  it('keeps a run finished by its first write in one row, read back whole', async () => {
    const db = await connect();
    const engine = await engineOn(db);
    const view = await engine.start('demo.denied', {});
    expect(view.run.status).toBe('failed');

    // One row: no step or timeline rows of its own.
    const steps = await db.query('SELECT 1 FROM engine_steps WHERE run_id = $1', [view.run.id]);
    const rows = await db.query('SELECT 1 FROM engine_timeline WHERE run_id = $1', [view.run.id]);
    expect([steps.rows.length, rows.rows.length]).toEqual([0, 0]);
    // Its events sit in the row by position: [at, type, step_id, status, message, details].
    const own = await db.query<{ events: unknown[][] }>(
      'SELECT events FROM engine_runs WHERE id = $1', [view.run.id]);
    expect(own.rows[0]!.events[0]).toEqual([view.run.created_at, 'run_created', null, 'pending']);

    // Another process reads it as the caller was told it.
    const seen = await (await engineOn(await connect())).view(view.run.id);
    const brief = (v: typeof view) =>
      v.steps.map((s) => [s.step_id, s.position, s.status, s.output, s.error?.code]);
    expect(brief(seen)).toEqual(brief(view));
    expect(brief(seen).map((s) => s[2])).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(seen.steps[0]!.decision?.rule_id).toBe(view.steps[0]!.decision?.rule_id);
    expect(seen.steps[0]!.started_at).toBe(view.steps[0]!.started_at);
    // The workflow is named by hash and found again.
    expect(seen.run.workflow).toEqual(view.run.workflow);
    expect(seen.run.workflow.id).toBe('demo.denied');
    const list = await (await engineOn(await connect())).list();
    expect(list.find((r) => r.id === view.run.id)?.workflow).toEqual(view.run.workflow);
  });

  it('keeps no run id or run snapshot hash in its row\'s steps, reading both back', async () => {
    const db = await connect();
    const engine = await engineOn(db);
    const view = await engine.start('demo.hello', { message: 'hi' });
    expect(view.run.status).toBe('succeeded');
    const own = await db.query<{ events: unknown[][]; steps: Record<string, unknown>[] }>(
      'SELECT events, steps FROM engine_runs WHERE id = $1', [view.run.id]);
    const [row] = own.rows;
    // Stored: neither the run id in each step nor the run's snapshot hash in its decisions.
    expect(row!.steps.map((s) => 'run_id' in s)).toEqual([false]);
    expect(row!.steps[0]!.decision).toMatchObject({ decision: 'allow' });
    expect(row!.steps[0]!.decision).not.toHaveProperty('snapshot_hash');
    const stored = row!.events.find((e) => e[1] === 'decision')!;
    expect(stored[5]).toEqual({ decision: 'allow', rule_id: view.steps[0]!.decision!.rule_id });

    // Read back, from another process, as the caller was told it.
    const other = await engineOn(await connect());
    const seen = await other.view(view.run.id);
    expect(seen.steps[0]!.run_id).toBe(view.run.id);
    expect(seen.steps[0]!.decision).toEqual(view.steps[0]!.decision);
    expect(seen.steps[0]!.decision!.snapshot_hash).toBe(snapshot.hash);
    const decided = (await other.timeline(view.run.id)).find((e) => e.type === 'decision')!;
    expect(decided.details).toEqual({
      decision: 'allow',
      rule_id: view.steps[0]!.decision!.rule_id,
      snapshot_hash: snapshot.hash,
    });
  });

  it('keeps the snapshot hash of a decision made under another snapshot than the run\'s', () => {
    const run = { id: 'r1', snapshot_hash: 'sha256:old' } as RunRecord;
    const step = { run_id: 'r1', step_id: 's', decision: { decision: 'allow',
      snapshot_hash: 'sha256:new' } };
    const kept = inlineStep(step, run.snapshot_hash);
    expect(kept).toEqual({ step_id: 's', decision: step.decision });
    expect(fromInlineStep(kept, run)).toEqual(step);
    expect(inlineStep({ ...step, decision: { decision: 'allow', snapshot_hash: 'sha256:old' } },
      run.snapshot_hash)).toEqual({ step_id: 's', decision: { decision: 'allow' } });
    const details = decisionDetails({ decision: 'deny', snapshot_hash: 'sha256:new' },
      'sha256:old');
    expect(details.snapshot_hash).toBe('sha256:new');
    const event = toEvent(['2026-01-01T00:00:00.000Z', 'decision', 's', null, 'm', details], 1,
      'sha256:old');
    expect(event.details).toMatchObject({ snapshot_hash: 'sha256:new' });
    // Stored before the run's hash was left out: as it was.
    const before = toEvent({ at: '2026-01-01T00:00:00.000Z', type: 'decision',
      details: { decision: 'allow', snapshot_hash: 'sha256:x' } }, 1, 'sha256:old');
    expect(before.details).toEqual({ decision: 'allow', snapshot_hash: 'sha256:x' });
  });

  it('counts the steps kept in run rows in the steps-by-status metric', async () => {
    const db = await connect();
    const engine = await engineOn(db);
    await engine.start('demo.denied', {});
    await engine.start('demo.hello', { message: 'hi' });
    const kernel = await PolicyKernel.open({ history: await PolicyHistory.open(db), snapshot });
    const text = await createEngineMetrics(kernel, db).registry.metrics();
    const gauge = (status: string) =>
      Number(new RegExp(`^cordum_engine_steps\\{status="${status}"\\} (\\d+)$`, 'm')
        .exec(text)?.[1]);
    expect([gauge('succeeded'), gauge('failed'), gauge('cancelled')]).toEqual([2, 1, 1]);
  });

  it('counts a history too large for one scrape to its end, shown at the next', async () => {
    const db = await connect();
    const engine = await engineOn(db);
    await engine.start('demo.hello', { message: 'hi' });
    await engine.start('demo.denied', {});
    // Counting as a history of millions of runs would: longer than a scrape waits (2 s).
    const slow: Queryable = { query: async <R>(sql: string, params?: unknown[]) => {
      if (sql.includes('count(*)')) await new Promise((r) => setTimeout(r, 2600));
      return db.query<R>(sql, params);
    } };
    const kernel = await PolicyKernel.open({ history: await PolicyHistory.open(db), snapshot });
    const metrics = createEngineMetrics(kernel, slow).registry;
    const runs = (text: string, status: string) => Number(new RegExp(
      `^cordum_engine_runs\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    let started = performance.now();
    const first = await metrics.metrics();
    expect(performance.now() - started).toBeLessThan(2500);
    expect(first).toContain('cordum_engine_database_up 1');
    expect(first).not.toContain('cordum_engine_runs{');
    await new Promise((r) => setTimeout(r, 1200));
    started = performance.now();
    const second = await metrics.metrics();
    expect(performance.now() - started).toBeLessThan(1000);
    expect([runs(second, 'succeeded'), runs(second, 'failed')]).toEqual([1, 1]);
  });

  it('numbers a timeline from 1 in order across the writes that made it', async () => {
    const engine = await engineOn(await connect());
    const waiting = await engine.start('demo.signoff', { release: 'r1' });
    expect(waiting.run.status).toBe('waiting');
    await engine.approve(waiting.run.id, 'ask', { note: 'ok', by: 'ana' });
    const timeline = await engine.timeline(waiting.run.id);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    const types = timeline.map((e) => e.type);
    expect(types.indexOf('approval_requested')).toBeLessThan(types.indexOf('approval_granted'));
    expect(types.at(-1)).toBe('run_status');
    expect(timeline.at(-1)!.status).toBe('succeeded');
  });

  it('keeps the timelines of an older database when it upgrades', async () => {
    const db = await connect();
    await migrate(db, 'engine', ENGINE_MIGRATIONS.slice(0, 2));
    await db.query(
      `INSERT INTO engine_runs (id, workflow_id, tenant_id, status, input, snapshot_hash,
         workflow, created_at, updated_at)
       VALUES ('old', 'demo.hello', 'default', 'succeeded', '{}', 'h', '{}', now(), now())`,
    );
    await db.query(
      `INSERT INTO engine_events (run_id, at, type, step_id, status, message, details) VALUES
         ('old', '2026-01-01T00:00:00Z', 'run_created', NULL, 'pending', NULL, NULL),
         ('old', '2026-01-01T00:00:01Z', 'step_started', 'echo', 'running', NULL, '{"a":1}'),
         ('old', '2026-01-01T00:00:02Z', 'run_status', NULL, 'succeeded', 'done', NULL)`,
    );
    const engine = await engineOn(db);
    expect(await engine.timeline('old')).toEqual([
      { seq: 1, at: '2026-01-01T00:00:00.000Z', type: 'run_created', status: 'pending' },
      {
        seq: 2,
        at: '2026-01-01T00:00:01.000Z',
        type: 'step_started',
        step_id: 'echo',
        status: 'running',
        details: { a: 1 },
      },
      {
        seq: 3,
        at: '2026-01-01T00:00:02.000Z',
        type: 'run_status',
        status: 'succeeded',
        message: 'done',
      },
    ]);
  });

  it('keeps runs and steps written as jsonb when it moves them to json', async () => {
    const db = await connect();
    await migrate(db, 'engine', ENGINE_MIGRATIONS.slice(0, 4));
    await db.query(
      `INSERT INTO engine_runs (id, workflow_id, tenant_id, status, input, snapshot_hash,
         workflow, error, created_at, updated_at)
       VALUES ('kept', 'demo.hello', 'default', 'failed', '{"who":"ada","n":[1,2]}', 'h',
         '{"id":"demo.hello","steps":{}}', '{"code":"internal","message":"m"}',
         '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    );
    await db.query(
      `INSERT INTO engine_steps (run_id, step_id, position, type, status, input, output, decision,
         job, attempts)
       VALUES ('kept', 'echo', 0, 'worker', 'succeeded', '{"message":"hi"}', '{"echo":"hi"}',
         '{"decision":"allow","snapshot_hash":"h","decided_at":"2026-01-01T00:00:00.000Z"}',
         '{"job_id":"j","idempotency_key":"k","handler":"builtin:echo","constraints":{}}', 1)`,
    );

    const engine = await engineOn(db);
    const types = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_name IN ('engine_runs', 'engine_steps') AND data_type LIKE 'json%'`,
    );
    expect(new Set(types.rows.map((r) => r.data_type))).toEqual(new Set(['json']));
    const view = await engine.view('kept');
    expect(view.run.input).toEqual({ who: 'ada', n: [1, 2] });
    expect(view.run.error).toEqual({ code: 'internal', message: 'm' });
    expect(view.run.workflow).toEqual({ id: 'demo.hello', steps: {} });
    expect(view.steps[0]).toMatchObject({
      step_id: 'echo',
      input: { message: 'hi' },
      output: { echo: 'hi' },
      decision: { decision: 'allow', snapshot_hash: 'h' },
      job: { job_id: 'j', handler: 'builtin:echo' },
    });
  });
});
