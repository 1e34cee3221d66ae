/** Reads of the engine's tables that need no state of the store. */
import type { Queryable } from '../storage/database.js';
import type { RunRecord, RunView, TimelineEvent } from './records.js';
import { fromInlineStep, toApproval, toEvent, toRun, toStep, type Row } from './store_rows.js';
import { STORED_WORKFLOW } from './store_sql.js';

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
