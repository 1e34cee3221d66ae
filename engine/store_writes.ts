/**
 * Writes of the engine's tables that go to the database at once, one
 * statement each, and need no state of the store: what `EngineStore` does
 * for a run this process does not hold (the journal batches the rest).
 */
import type { Queryable } from '../storage/database.js';
import type { StepError } from './errors.js';
import type { ApprovalRecord, ApprovalStatus, Status, StepRecord } from './records.js';
import { isTerminal } from './records.js';
import { json, toApproval, type Row } from './store_rows.js';
import {
  CLAIM_RUN,
  DECIDE_APPROVAL,
  INSERT_CHILD,
  RELEASE_RUN,
  RENEW_LEASE,
  REQUEST_APPROVAL,
  WAKE_TIMERS,
} from './store_sql.js';

/** Takes the run's row lock for the rest of the transaction `q` is in. */
export async function lockRunRow(q: Queryable, runId: string): Promise<void> {
  await q.query('SELECT id FROM engine_runs WHERE id = $1 FOR UPDATE', [runId]);
}

/**
 * Claims a run from one of `from` for `owner` until `until`; its row as
 * claimed (`was` its status before), or undefined when it was not due.
 */
export async function claimRunRow(
  db: Queryable,
  runId: string,
  from: Status[],
  now: string,
  lease: { owner: string; until: string },
): Promise<Row | undefined> {
  // A `running` run whose lease ran out belongs to a dead process: take it over.
  const result = await db.query<Row>(CLAIM_RUN, [runId, now, from, lease.owner, lease.until]);
  const row = result.rows[0];
  if (row?.was === 'running') {
    // Steps the dead process had in flight start again, keeping their attempt number.
    await db.query(
      `UPDATE engine_steps SET status = 'pending' WHERE run_id = $1 AND status = 'running'`,
      [runId],
    );
  }
  return row;
}

/**
 * Moves the lease `owner` holds on a run to `until`; answers whether a
 * cancel was asked, or undefined when `owner` no longer holds the run.
 */
export async function renewLeaseRow(
  db: Queryable,
  runId: string,
  owner: string,
  until: string,
): Promise<boolean | undefined> {
  const result = await db.query<Row>(RENEW_LEASE, [runId, owner, until]);
  return result.rows[0] ? result.rows[0].cancel_requested === true : undefined;
}

/** Flags a run to be cancelled by whichever process advances it. */
export async function requestCancelRow(db: Queryable, runId: string): Promise<void> {
  await db.query('UPDATE engine_runs SET cancel_requested = true WHERE id = $1', [runId]);
}

/** Puts the waiting steps of a run whose timers are due by `now` back to `pending`. */
export async function wakeTimerRows(db: Queryable, runId: string, now: string): Promise<void> {
  await db.query(WAKE_TIMERS, [runId, now]);
}

/** Inserts the `index`th child of a `for_each` step unless the run has it already. */
export async function insertChildRow(
  db: Queryable,
  child: StepRecord,
  parentId: string,
  index: number,
): Promise<void> {
  await db.query(
    INSERT_CHILD,
    [child.run_id, child.step_id, child.position, child.type, parentId, index],
  );
}

/** Leaves `running` for `status` at `now`, adding the time spent to `active_ms`. */
export async function releaseRunRow(
  db: Queryable,
  runId: string,
  status: Status,
  now: string,
  error?: StepError,
): Promise<void> {
  await db.query(
    RELEASE_RUN,
    [runId, status, error === undefined ? null : json(error), now, isTerminal(status)],
  );
}

/** Writes a step's columns as `stepUpdate` lists them (one column at the least). */
export async function writeStepUpdate(
  db: Queryable,
  update: { sets: string[]; params: unknown[] },
): Promise<void> {
  await db.query(
    `UPDATE engine_steps SET ${update.sets.join(', ')} WHERE run_id = $1 AND step_id = $2`,
    update.params,
  );
}

/** Opens (or opens again) a step's approval as `pending`, with why it is asked. */
export async function requestApprovalRow(
  db: Queryable,
  runId: string,
  stepId: string,
  why: { rule_id?: string; reason?: string },
  now: string,
): Promise<ApprovalRecord> {
  const result = await db.query<Row>(
    REQUEST_APPROVAL,
    [runId, stepId, why.rule_id ?? null, why.reason ?? null, now],
  );
  return toApproval(result.rows[0]!);
}

/** Decides a pending approval at `now`; undefined when it was not pending. */
export async function decideApprovalRow(
  db: Queryable,
  runId: string,
  stepId: string,
  decision: { status: ApprovalStatus; note?: string; by?: string },
  now: string,
): Promise<ApprovalRecord | undefined> {
  const result = await db.query<Row>(
    DECIDE_APPROVAL,
    [runId, stepId, decision.status, decision.note ?? null, decision.by ?? null, now],
  );
  return result.rows[0] ? toApproval(result.rows[0]) : undefined;
}

/** Adds events (rows of `eventRow`) to a run's timeline as one write. */
export async function insertEventRows(
  db: Queryable,
  runId: string,
  rows: unknown[][],
): Promise<void> {
  const sql = 'INSERT INTO engine_timeline (run_id, events) VALUES ($1, $2::json)';
  await db.query(sql, [runId, json(rows)]);
}
