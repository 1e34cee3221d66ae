/**
 * Retention of recorded decisions on both back ends: rows older than the
 * retention go in batches, newer ones stay, 0 keeps everything, prunes at
 * once do no harm, and a failed prune is logged and tried again.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyHistory } from '../../engine/kernel/history.js';
import { DecisionRetention, pruneDecisions } from '../../engine/kernel/retention.js';
import { openKernel } from '../../engine/kernel/wiring.js';
import { jsonLog } from '../../engine/observability/log.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import { openDatabase, type Database, type Queryable } from '../../storage/database.js';
import { backends, postgresBackend } from '../helpers/databases.js';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const clock = () => NOW;
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** Rows recorded at `times`, as the recorder writes them. */
async function recordAt(db: Queryable, times: Date[]): Promise<void> {
  for (const at of times) {
    await db.query(`INSERT INTO engine_policy_decisions (request, decision, snapshot_hash,
      snapshot_version, decided_at) VALUES ('{"topic":"job.ops.echo"}', 'allow', 'h', 1, $1)`,
    [at]);
  }
}

async function keptTimes(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ decided_at: Date }>(
    'SELECT decided_at FROM engine_policy_decisions ORDER BY decided_at');
  return rows.map((r) => new Date(r.decided_at).toISOString());
}

describe.each(backends())('recorded decisions retention on $name', (backend) => {
  let db: Database;
  let second: Database | undefined;
  let cleanup: () => void;

  beforeEach(async () => {
    const fresh = await backend.fresh();
    const where = fresh.url ? { url: fresh.url } : { dataDir: fresh.pgliteDir! };
    db = await openDatabase(where);
    // Another process on the same PostgreSQL database; PGlite has one process.
    second = fresh.url ? await openDatabase(where) : undefined;
    await PolicyHistory.open(db);
    cleanup = () => rmSync(fresh.dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await second?.close();
    await db.close();
    cleanup();
  });

  it('deletes what is older than the retention and keeps the rest', async () => {
    await recordAt(db, [ago(90 * DAY), ago(30 * DAY + 1), ago(30 * DAY), ago(DAY), NOW]);

    const removed = await pruneDecisions(db, { retentionDays: 30, clock });

    expect(removed).toBe(2);
    // The row exactly 30 days old is on the boundary: kept.
    expect(await keptTimes(db)).toEqual([ago(30 * DAY), ago(DAY), NOW]
      .map((d) => d.toISOString()));
  });

  it('keeps everything with 0 days', async () => {
    await recordAt(db, [ago(3650 * DAY), ago(90 * DAY), NOW]);

    expect(await pruneDecisions(db, { retentionDays: 0, clock })).toBe(0);
    expect(await keptTimes(db)).toHaveLength(3);
  });

  it('deletes in batches until a batch comes up short, and stops at maxBatches', async () => {
    await recordAt(db, Array.from({ length: 25 }, (_, i) => ago((40 + i) * DAY)));
    await recordAt(db, [ago(2 * DAY)]);

    const batches: number[] = [];
    const capped = await pruneDecisions(db, { retentionDays: 30, clock, batchSize: 10,
      maxBatches: 1, onBatch: (n) => batches.push(n) });
    expect(capped).toBe(10);
    // The oldest go first.
    expect((await keptTimes(db))[0]).toBe(ago(54 * DAY).toISOString());

    const rest = await pruneDecisions(db, { retentionDays: 30, clock, batchSize: 10,
      onBatch: (n) => batches.push(n) });
    expect(rest).toBe(15);
    expect(batches).toEqual([10, 10, 5]);
    expect(await keptTimes(db)).toEqual([ago(2 * DAY).toISOString()]);
  });

  it('has an index on decided_at for the prune to walk', async () => {
    const { rows } = await db.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'engine_policy_decisions_decided'");
    expect(rows.map((r) => r.indexdef)).toEqual([
      'CREATE INDEX engine_policy_decisions_decided ON public.engine_policy_decisions ' +
      'USING btree (decided_at)']);
  });

  it('lets prunes run at once, each row deleted once and no prune failing', async () => {
    await recordAt(db, Array.from({ length: 60 }, (_, i) => ago((31 + i) * DAY)));
    await recordAt(db, [ago(DAY)]);

    const other = second ?? db;
    const counts = await Promise.all([db, other, db, other].map((on) =>
      pruneDecisions(on, { retentionDays: 30, clock, batchSize: 7 })));

    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(await keptTimes(db)).toEqual([ago(DAY).toISOString()]);
  });

  it('logs a failed prune as a warning, then prunes at the next one', async () => {
    await recordAt(db, [ago(45 * DAY), ago(31 * DAY), NOW]);
    let down = true;
    const flaky: Queryable = {
      query: (sql, params) => down
        ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'),
          { code: 'ECONNREFUSED' }))
        : db.query(sql, params),
    };
    const lines: string[] = [];
    const log = jsonLog((l) => lines.push(l), { clock });
    const retention = new DecisionRetention(flaky, { retentionDays: 30, clock,
      log: (level, msg, fields) => log[level](msg, fields) });

    expect(await retention.pruneOnce()).toBe(0);
    down = false;
    expect(await retention.pruneOnce()).toBe(2);
    await retention.stop();

    expect(retention.pruned).toBe(2);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { time: NOW.toISOString(), level: 'warn',
        msg: 'recorded decisions not pruned; trying again at the next prune',
        retention_days: 30, error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432' },
      { time: NOW.toISOString(), level: 'info', msg: 'recorded decisions pruned',
        removed: 2, retention_days: 30 },
    ]);
    expect(await keptTimes(db)).toEqual([NOW.toISOString()]);
  });

  it('prunes at start and at each interval until stopped', async () => {
    let now = NOW;
    const retention = new DecisionRetention(db, { retentionDays: 1, intervalMs: 20,
      clock: () => now });
    await recordAt(db, [ago(2 * DAY)]);

    retention.start();
    await until(() => retention.pruned === 1);
    // A day later, the row recorded at NOW is past the retention too.
    await recordAt(db, [NOW]);
    now = new Date(NOW.getTime() + 2 * DAY);
    await until(() => retention.pruned === 2);
    await retention.stop();

    await recordAt(db, [ago(5 * DAY)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(retention.pruned).toBe(2);
    expect(await keptTimes(db)).toEqual([ago(5 * DAY).toISOString()]);
  });

  it('is wired into the kernel: pruned at open, logged and counted in the metrics', async () => {
    // The kernel prunes by the real clock.
    const real = (days: number) => new Date(Date.now() - days * DAY);
    await recordAt(db, [real(60), real(40), real(31), real(1)]);
    const lines: string[] = [];
    const snapshot = buildSnapshot([{ packId: 'ops', fragment: { rules: [] } }]);
    const parts = await openKernel({ db, snapshot, retentionDays: 30,
      log: jsonLog((l) => lines.push(l)) });
    try {
      await until(() => lines.some((l) => l.includes('recorded decisions pruned')));
      const metrics = await parts.metrics.registry.metrics();
      expect(metrics).toMatch(/^cordum_engine_decisions_pruned_total 3$/m);
      expect(JSON.parse(lines.find((l) => l.includes('pruned'))!)).toMatchObject({
        level: 'info', removed: 3, retention_days: 30 });
      expect(await keptTimes(db)).toHaveLength(1);
    } finally {
      await parts.close();
    }
  });
});

/** Waits (at most 10 s) for `done` to hold. */
async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Two connections holding one row: PGlite has one connection, so PostgreSQL only.
describe('recorded decisions retention on postgres, beside a concurrent prune', () => {
  let db: Database;
  let second: Database;

  beforeEach(async () => {
    const { url } = await postgresBackend.fresh();
    db = await openDatabase({ url: url! });
    second = await openDatabase({ url: url! });
    await PolicyHistory.open(db);
  });
  afterEach(async () => {
    await second.close();
    await db.close();
  });

  it('passes over rows another prune holds, not waiting', async () => {
    await recordAt(db, [ago(50 * DAY), ago(40 * DAY), NOW]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // Another process's prune holding the oldest row, its transaction still open.
    const other = second.transaction(async (tx) => {
      await tx.query(`SELECT id FROM engine_policy_decisions ORDER BY decided_at LIMIT 1
        FOR UPDATE`);
      locked();
      await held;
    });
    await isLocked;

    // A prune that waited for the lock would wait as long as the other transaction.
    const prune = pruneDecisions(db, { retentionDays: 30, clock });
    const waited = new Promise((r) => setTimeout(() => r('waited for the lock'), 5000));
    try {
      expect(await Promise.race([prune, waited])).toBe(1);
    } finally {
      release();
      await other;
      await prune;
    }

    expect(await keptTimes(db)).toEqual([ago(50 * DAY), NOW].map((d) => d.toISOString()));
  });
});
