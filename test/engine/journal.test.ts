/**
 * The journal on its own: a run's rows go out when that run (or everyone)
 * asks, many runs share one statement, rows nobody asked for are written
 * after a while, and a write the database never took loses nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Journal } from '../../engine/journal.js';
import { JournalLanes, POSTGRES_LANES } from '../../engine/journal_lanes.js';
import { ENGINE_MIGRATIONS } from '../../engine/migrations.js';
import {
  namedWorkflow, newHeldRun, runRow, stepRow, workflowHash, type HeldRun,
} from '../../engine/store_cache.js';
import { readTimeline } from '../../engine/store_reads.js';
import type { Database } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { backends, type Backend } from '../helpers/databases.js';
import { freshDatabase, workflow } from './fixtures.js';
import { watchJournal } from './journal_watch.js';

const flow = workflow('demo.journal', { a: { id: 'a', type: 'worker', topic: 'job.demo.a' } });

function heldRun(id: string): HeldRun {
  const run = { id, workflow_id: flow.id, tenant_id: 'default', input: { n: id },
    snapshot_hash: 'sha256:test', workflow: flow };
  return newHeldRun(run, [{ step_id: 'a', type: 'worker' }], new Date().toISOString());
}

/** Queues a run with its step and one event. */
function queue(journal: Journal<HeldRun> | JournalLanes<HeldRun>, held: HeldRun): void {
  journal.putRun(held);
  for (const step of held.steps.values()) journal.putStep({ ...step });
  journal.addEvent(held.run.id, { at: held.run.created_at, type: 'run_created' });
}

/** `{ v: [[...[1]...]] }`, `depth` levels deep: too deep for JSON.stringify at 20,000. */
function nested(depth: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 1; i < depth; i++) value = [value];
  return { v: value };
}

/** What is stored of a run; `timelines` counts the writes that carried its events. */
async function stored(db: Database, id: string) {
  const runs = await db.query<{ status: string; inline: boolean }>(
    'SELECT status, events IS NOT NULL AS inline FROM engine_runs WHERE id = $1', [id]);
  const steps = await db.query('SELECT step_id FROM engine_steps WHERE run_id = $1', [id]);
  const events = await db.query('SELECT events FROM engine_timeline WHERE run_id = $1', [id]);
  const inline = runs.rows[0]?.inline === true ? 1 : 0;
  return { status: runs.rows[0]?.status, steps: steps.rows.length,
    timelines: inline + events.rows.length };
}

/** A fresh database with the engine's tables. */
async function engineDatabase(backend: Backend): Promise<Database> {
  const db = await (await freshDatabase(backend)).open();
  await migrate(db, 'engine', ENGINE_MIGRATIONS);
  return db;
}

/** The database with its journal statements counted. */
function counted(db: Database): { db: Database; writes: () => number } {
  let writes = 0;
  return { db: watchJournal(db, () => writes++), writes: () => writes };
}

describe.each(backends())('journal on $name', (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await engineDatabase(backend);
  });
  afterEach(() => db.close());

  it("writes a run's rows when that run asks, and leaves the others queued", async () => {
    const journal = new Journal(db, runRow, { idleWriteMs: 60_000 });
    queue(journal, heldRun('r1'));
    queue(journal, heldRun('r2'));
    await journal.flush('r1');
    expect(await stored(db, 'r1')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
    expect(await stored(db, 'r2')).toEqual({ status: undefined, steps: 0, timelines: 0 });
    await journal.flush();
    expect(await stored(db, 'r2')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
  });

  it('puts the runs that ask together in one statement, each as it last was', async () => {
    const { db: countedDb, writes } = counted(db);
    const journal = new Journal(countedDb, runRow);
    const runs = Array.from({ length: 30 }, (_, i) => heldRun(`m${i}`));
    for (const held of runs) queue(journal, held);
    for (const held of runs) {
      held.run.status = 'succeeded';
      journal.putRun(held);
    }
    await Promise.all(runs.map((held) => journal.flush(held.run.id)));
    expect(writes()).toBe(1);
    for (const held of runs) expect((await stored(db, held.run.id)).status).toBe('succeeded');
  });

  it('stores a first write as given: special characters, a null input, steps kept inline',
    async () => {
      const journal = new Journal(db, runRow, { finished: (h) => h.run.status === 'failed' });
      const tricky = heldRun('tricky');
      tricky.run.input = { text: 'tab\there "quoted" back\\slash\nline\r', u: 'ünï 𝄞',
        end: '\\.' };
      tricky.run.status = 'failed';
      tricky.run.error = { code: 'workflow_invalid', message: 'two\nlines\there' };
      const empty = heldRun('empty');
      empty.run.input = null;
      queue(journal, tricky);
      queue(journal, empty);
      journal.addEvent('tricky', { at: tricky.run.created_at, type: 'note', message: 'a\tb\\c' });
      await journal.flush();
      const { rows } = await db.query<Record<string, unknown>>(
        'SELECT id, status, input, error, events, steps FROM engine_runs ORDER BY id');
      expect(rows.map((r) => [r.id, r.status, r.input, r.error])).toEqual([
        ['empty', 'pending', null, null],
        ['tricky', 'failed', tricky.run.input, tricky.run.error],
      ]);
      expect(rows[1]!.events).toEqual([
        { at: tricky.run.created_at, type: 'run_created' },
        { at: tricky.run.created_at, type: 'note', message: 'a\tb\\c' },
      ]);
      expect(rows[1]!.steps).toEqual([{ ...tricky.steps.get('a') }]);
      expect(rows[0]!.steps).toBeNull();
      // A null input is JSON null, not a missing value.
      const text = await db.query("SELECT input::text AS t FROM engine_runs WHERE id = 'empty'");
      expect(text.rows).toEqual([{ t: 'null' }]);
    });

  it('writes rows nobody asked for after a short while', async () => {
    const journal = new Journal(db, runRow);
    queue(journal, heldRun('idle'));
    let seen = await stored(db, 'idle');
    for (let i = 0; i < 50 && seen.status === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await stored(db, 'idle');
    }
    expect(seen).toEqual({ status: 'pending', steps: 1, timelines: 1 });
  });

  it('keeps a later state of a run queued while an earlier one is being written', async () => {
    const journal = new Journal(db, runRow, { workflowOf: namedWorkflow });
    const held = heldRun('later');
    queue(journal, held);
    const first = journal.flush('later');
    // The write leaves once this turn of the event loop is over.
    await new Promise((r) => setImmediate(r));
    held.run.status = 'succeeded';
    journal.putRun(held);
    journal.addEvent('later', { at: held.run.created_at, type: 'run_status' });
    await Promise.all([first, journal.flush('later')]);
    expect(await stored(db, 'later')).toEqual({ status: 'succeeded', steps: 1, timelines: 2 });
    // The first write's events sit in the run's row, the second's in a timeline row after them.
    const timeline = await readTimeline(db, 'later');
    expect(timeline.map((e) => [e.seq, e.type])).toEqual([[1, 'run_created'], [2, 'run_status']]);
    // The second write left out what never changes; the first write's stays.
    const row = await db.query(
      `SELECT r.input, w.workflow FROM engine_runs r
       JOIN engine_workflows w ON w.hash = r.workflow_hash WHERE r.id = $1`, ['later']);
    expect(row.rows[0]).toEqual({ input: { n: 'later' }, workflow: flow });
  });

  it('updates the step rows of a first write whose answer was lost, keeping one copy', async () => {
    let lose = true;
    const lossy = watchJournal(db, () => {
      if (!lose) return;
      lose = false;
      throw new Error('connection lost after commit');
    });
    const journal = new Journal(lossy, runRow, { finished: (h) => h.run.status === 'succeeded' });
    const held = heldRun('lost-answer');
    queue(journal, held);
    await expect(journal.flush('lost-answer')).rejects.toThrow(/lost after commit/);

    // The run finishes before its next write: its steps stay rows, updated to their end.
    const step = held.steps.get('a')!;
    step.status = 'succeeded';
    journal.putStep(stepRow(step));
    held.run.status = 'succeeded';
    journal.putRun(held);
    await journal.flush('lost-answer');
    const steps = await db.query('SELECT status FROM engine_steps WHERE run_id = $1',
      ['lost-answer']);
    const run = await db.query('SELECT status, steps FROM engine_runs WHERE id = $1',
      ['lost-answer']);
    expect(steps.rows).toEqual([{ status: 'succeeded' }]);
    expect(run.rows).toEqual([{ status: 'succeeded', steps: null }]);
  });

  it('stores a workflow once and has each run name it by hash', async () => {
    const sent: string[] = [];
    const seen = watchJournal(db, (params) => sent.push(String(params[3] ?? '[]')));
    const journal = new Journal(seen, runRow, { workflowOf: namedWorkflow });
    queue(journal, heldRun('w1'));
    await journal.flush('w1');
    queue(journal, heldRun('w2'));
    await journal.flush('w2');

    const hash = workflowHash(flow);
    expect(sent.map((p) => (JSON.parse(p) as { hash: string }[]).map((w) => w.hash)))
      .toEqual([[hash], []]);
    const rows = await db.query('SELECT workflow_hash, workflow FROM engine_runs ORDER BY id');
    expect(rows.rows).toEqual([
      { workflow_hash: hash, workflow: null },
      { workflow_hash: hash, workflow: null },
    ]);
    const stored = await db.query('SELECT hash, workflow FROM engine_workflows');
    expect(stored.rows).toEqual([{ hash, workflow: flow }]);
  });

  it('drops a run whose rows can never be made into text, and writes the others', async () => {
    const journal = new Journal(db, runRow, { idleWriteMs: 60_000 });
    const poisoned = heldRun('poisoned');
    poisoned.run.input = nested(20_000);
    queue(journal, heldRun('beside'));
    queue(journal, poisoned);
    await expect(journal.flush()).rejects.toThrow(/call stack/);

    // Later flushes, of everyone or of one run, no longer carry it; the run beside is kept.
    queue(journal, heldRun('after'));
    await journal.flush('after');
    await journal.flush();
    expect(await stored(db, 'beside')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
    expect(await stored(db, 'after')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
    expect(await stored(db, 'poisoned')).toEqual({ status: undefined, steps: 0, timelines: 0 });
    // Its own flush says its rows are lost rather than that they are durable.
    await expect(journal.flush('poisoned')).rejects.toThrow(/call stack/);
  });

  it('drops a stored run whose later step row cannot be made into text', async () => {
    const journal = new Journal(db, runRow, { idleWriteMs: 60_000 });
    const held = heldRun('later-poison');
    queue(journal, held);
    await journal.flush();
    journal.putStep({ ...held.steps.get('a')!, status: 'succeeded', output: nested(20_000) });
    await expect(journal.flush()).rejects.toThrow(/call stack/);
    queue(journal, heldRun('next'));
    await journal.flush();
    expect(await stored(db, 'next')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
  });

  it('drops a run whose rows the database refuses, storing the runs written with it', async () => {
    const journal = new Journal(db, runRow, { idleWriteMs: 60_000 });
    const refused = heldRun('refused');
    // Not a status the table allows: refused by its CHECK constraint (23514) every time.
    (refused.run as { status: string }).status = 'lost';
    queue(journal, heldRun('before'));
    queue(journal, refused);
    queue(journal, heldRun('beside'));
    const waiting = journal.flush('beside');
    await journal.flush();
    await waiting;
    expect(await stored(db, 'before')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
    expect(await stored(db, 'beside')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
    expect(await stored(db, 'refused')).toEqual({ status: undefined, steps: 0, timelines: 0 });
    // Its own flush says what the database said rather than that its rows are durable.
    await expect(journal.flush('refused')).rejects.toThrow(/check constraint/);
    // It blocks no later write.
    queue(journal, heldRun('after'));
    await journal.flush();
    expect(await stored(db, 'after')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
  });

  it('drops a refused later step row of a stored run, keeping what was written', async () => {
    const journal = new Journal(db, runRow, { idleWriteMs: 60_000 });
    const bad = heldRun('bad-later');
    const good = heldRun('good-later');
    queue(journal, bad);
    queue(journal, good);
    await journal.flush();
    journal.putStep({ ...bad.steps.get('a')!, status: 'lost' });
    journal.putStep({ ...good.steps.get('a')!, status: 'succeeded' });
    const refused = journal.flush('bad-later');
    await journal.flush('good-later');
    await expect(refused).rejects.toThrow(/check constraint/);
    const steps = await db.query<{ run_id: string; status: string }>(
      'SELECT run_id, status FROM engine_steps ORDER BY run_id');
    expect(steps.rows).toEqual([
      { run_id: 'bad-later', status: 'pending' },
      { run_id: 'good-later', status: 'succeeded' },
    ]);
  });

  it('opens a new connection when the server ended the last one between writes', async () => {
    const journal = new Journal(db, runRow);
    queue(journal, heldRun('first'));
    await journal.flush();
    if (db.kind === 'postgres') {
      const writer = await db.writer().query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await db.query('SELECT pg_terminate_backend($1)', [writer.rows[0]!.pid]);
      await new Promise((r) => setTimeout(r, 50));
    }
    queue(journal, heldRun('second'));
    await journal.flush('second');
    expect(await stored(db, 'second')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
  });
});

// A connection that dies in the middle of a statement: PostgreSQL's own (PGlite has none).
describe.each(backends().filter((b) => b.name === 'postgres'))('journal on $name', (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await engineDatabase(backend);
  });
  afterEach(() => db.close());

  it(
    'loses nothing when the connection dies under a write, and writes it on the next',
    async () => {
      const journal = new Journal(db, runRow);
      queue(journal, heldRun('before'));
      await journal.flush();
      const writer = await db.writer().query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = writer.rows[0]!.pid;
      // Another session holds the table, so the next write waits on the server...
      const failed = db.transaction(async (tx) => {
        await tx.query('LOCK TABLE engine_runs IN ACCESS EXCLUSIVE MODE');
        queue(journal, heldRun('lost'));
        const write = journal.flush('lost').then(() => 'written', (e: Error) => e.message);
        for (let i = 0; i < 100; i++) {
          const waiting = await tx.query(
            "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [pid]);
          if (waiting.rows.length > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        // ...and dies there.
        await tx.query('SELECT pg_terminate_backend($1)', [pid]);
        return write;
      });
      expect(await failed).toMatch(/terminat|connection/i);
      expect((await stored(db, 'lost')).status).toBeUndefined();
      await journal.flush('lost');
      expect(await stored(db, 'lost')).toEqual({ status: 'pending', steps: 1, timelines: 1 });
      expect((await stored(db, 'before')).status).toBe('pending');
    },
  );
});

describe.each(backends())('journal lanes on $name', (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await engineDatabase(backend);
  });
  afterEach(() => db.close());

  it('spreads runs over the lanes, each run whole and in order, and flushes them all', async () => {
    const lanes = new JournalLanes(db, runRow);
    const runs = Array.from({ length: 40 }, (_, i) => heldRun(randomUUID() + i));
    for (const held of runs) queue(lanes, held);
    // Half the runs finish (a later state, a second event) before anyone flushes.
    for (const held of runs.slice(0, 20)) {
      held.run.status = 'succeeded';
      lanes.putRun(held);
      lanes.addEvent(held.run.id, { at: held.run.created_at, type: 'run_status' });
    }
    await lanes.flush();
    if (backend.name === 'postgres') {
      // Each lane wrote on a connection of its own (its last statement was a journal write:
      // the COPY of first writes, or the COMMIT after it and the statement for the rest).
      const used = await db.query<{ n: number }>(
        'SELECT count(DISTINCT pid)::int AS n FROM pg_stat_activity ' +
        "WHERE datname = current_database() AND (query LIKE 'WITH%journal_runs%' " +
        "OR query LIKE 'COPY engine_runs %' OR query = 'COMMIT')");
      expect(used.rows[0]!.n).toBe(POSTGRES_LANES);
    }
    for (const [i, held] of runs.entries()) {
      expect(await stored(db, held.run.id)).toEqual(i < 20
        ? { status: 'succeeded', steps: 1, timelines: 1 }
        : { status: 'pending', steps: 1, timelines: 1 });
    }
  });
});
