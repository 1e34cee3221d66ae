/** Reads of the engine's tables that need no state of the store. */
import type { Queryable } from '../storage/database.js';
import type { RunRecord, RunView, TimelineEvent } from './records.js';
import { toApproval, toEvent, toRun, toStep, type Row } from './store_rows.js';

/** A run's steps (in order) and approvals. */
export async function readView(db: Queryable, run: RunRecord): Promise<RunView> {
  const steps = await db.query<Row>(
    'SELECT * FROM engine_steps WHERE run_id = $1 ORDER BY position, COALESCE(item_index, -1)',
    [run.id],
  );
  const approvals = await db.query<Row>(
    'SELECT * FROM engine_approvals WHERE run_id = $1 ORDER BY requested_at, step_id',
    [run.id],
  );
  return { run, steps: steps.rows.map(toStep), approvals: approvals.rows.map(toApproval) };
}

/** The newest runs first. */
export async function readRuns(db: Queryable, limit: number): Promise<RunRecord[]> {
  const result = await db.query<Row>(
    'SELECT * FROM engine_runs ORDER BY created_at DESC, id LIMIT $1',
    [limit],
  );
  return result.rows.map(toRun);
}

/** A run's timeline: its rows' events in order, numbered from 1. */
export async function readTimeline(db: Queryable, runId: string): Promise<TimelineEvent[]> {
  const result = await db.query<{ events: Row[] }>(
    'SELECT events FROM engine_timeline WHERE run_id = $1 ORDER BY seq',
    [runId],
  );
  return result.rows.flatMap((r) => r.events).map((e, i) => toEvent(e, i + 1));
}
