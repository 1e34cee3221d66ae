/** Reads of the engine's tables that need no state of the store. */
import type { Queryable } from '../storage/database.js';
import type { ApprovalRecord, RunRecord, RunView, TimelineEvent } from './records.js';
import type { HeldRun } from './store_cache.js';
import { fromInlineStep, toApproval, toEvent, toRun, toStep, type Row } from './store_rows.js';
import { DUE_RUNS, RUN_ROW, STORED_WORKFLOW } from './store_sql.js';

/**
 * A run's steps (in order) and approvals. `inline` is the steps kept in the
 * run's own row (a run that had finished by its first write), when it has them.
 */
export async function readView(
  db: Queryable,
  run: RunRecord,
  inline?: Row[] | null,
): Promise<RunView> {
  const rows = inline
    ? inline.map((s) => fromInlineStep(s, run)).sort(byPosition)
    : (await db.query<Row>(
      'SELECT * FROM engine_steps WHERE run_id = $1 ORDER BY position, COALESCE(item_index, -1)',
      [run.id],
    )).rows;
  const approvals = await db.query<Row>(
    'SELECT * FROM engine_approvals WHERE run_id = $1 ORDER BY requested_at, step_id',
    [run.id],
  );
  return { run, steps: rows.map(toStep), approvals: approvals.rows.map(toApproval) };
}

/** The steps table's order: by position, a `for_each` parent before its children. */
function byPosition(a: Row, b: Row): number {
  const index = (r: Row) => (typeof r.item_index === 'number' ? r.item_index : -1);
  return Number(a.position) - Number(b.position) || index(a) - index(b);
}

/** A run's own columns, without the steps and events its row may keep. */
const RUN_FIELDS = `id, workflow_id, tenant_id, status, input, error, snapshot_hash, workflow,
  active_ms, resumed_at, created_at, started_at, updated_at, finished_at, cancel_requested,
  lease_owner, lease_until, ${STORED_WORKFLOW}`;

/** The newest runs first. */
export async function readRuns(db: Queryable, limit: number): Promise<RunRecord[]> {
  const result = await db.query<Row>(
    `SELECT ${RUN_FIELDS} FROM engine_runs ORDER BY created_at DESC, id LIMIT $1`,
    [limit],
  );
  return result.rows.map(toRun);
}

/**
 * A run's timeline, numbered from 1: the events of its first write (kept in
 * the run's row), then those of each later write in order.
 */
export async function readTimeline(db: Queryable, runId: string): Promise<TimelineEvent[]> {
  const result = await db.query<{ events: (Row | unknown[])[]; snapshot_hash: string }>(
    `SELECT timeline.events, run.snapshot_hash FROM engine_runs AS run, LATERAL (
       SELECT 0 AS part, 0::bigint AS seq, run.events WHERE run.events IS NOT NULL
       UNION ALL
       SELECT 1, seq, events FROM engine_timeline WHERE run_id = run.id
     ) AS timeline WHERE run.id = $1 ORDER BY timeline.part, timeline.seq`,
    [runId],
  );
  return result.rows
    .flatMap((r) => r.events.map((e) => [e, r.snapshot_hash] as const))
    .map(([e, hash], i) => toEvent(e, i + 1, hash));
}

/** A run's whole row, its workflow found; undefined when there is no such run. */
export async function readRunRow(db: Queryable, runId: string): Promise<Row | undefined> {
  const sql = `SELECT ${RUN_ROW} FROM engine_runs WHERE id = $1`;
  return (await db.query<Row>(sql, [runId])).rows[0];
}

/**
 * A run just claimed (`row` its claimed row), loaded whole for this process
 * to hold in memory.
 */
export async function readHeldRun(db: Queryable, run: RunRecord, row: Row): Promise<HeldRun> {
  const view = await readView(db, run);
  const held: HeldRun = {
    run,
    stored: true,
    steps: new Map(view.steps.map((s) => [s.step_id, s])),
    approvals: new Map(view.approvals.map((a) => [a.step_id, a])),
  };
  if (row.resumed_at) held.resumedAt = new Date(String(row.resumed_at)).toISOString();
  if (row.lease_owner) held.leaseOwner = String(row.lease_owner);
  if (row.lease_until) held.leaseUntil = new Date(String(row.lease_until)).toISOString();
  return held;
}

/** The run a start with this `Idempotency-Key` made, if one did. */
export async function readRunForKey(
  db: Queryable,
  key: string,
): Promise<{ id: string; workflow_id: string } | undefined> {
  const { rows } = await db.query<{ id: string; workflow_id: string }>(
    'SELECT id, workflow_id FROM engine_runs WHERE idempotency_key = $1', [key]);
  return rows[0];
}

/**
 * The ids of runs due at `now`, oldest first: pending ones made by
 * `pendingBefore`, running ones whose lease ran out, waiting ones with a timer due.
 */
export async function readDueRuns(
  db: Queryable,
  now: string,
  limit: number,
  pendingBefore: string,
): Promise<string[]> {
  const result = await db.query<Row>(DUE_RUNS, [now, limit, pendingBefore]);
  return result.rows.map((r) => String(r.id));
}

/** A step's approval as stored, if it has one. */
export async function readApproval(
  db: Queryable,
  runId: string,
  stepId: string,
): Promise<ApprovalRecord | undefined> {
  const sql = 'SELECT * FROM engine_approvals WHERE run_id = $1 AND step_id = $2';
  const result = await db.query<Row>(sql, [runId, stepId]);
  return result.rows[0] ? toApproval(result.rows[0]) : undefined;
}
