/** Rows of the engine's tables as records, and values as SQL parameters. */
import type {
  ApprovalRecord,
  ApprovalStatus,
  RunRecord,
  Status,
  StepRecord,
  TimelineEvent,
} from './records.js';
import type { NewEvent, StepPatch } from './store_types.js';

export type Row = Record<string, unknown>;

const JSON_COLUMNS = new Set(['input', 'output', 'error', 'decision', 'job']);
const STEP_COLUMNS = [
  'status',
  'skipped',
  'input',
  'output',
  'error',
  'decision',
  'job',
  'attempts',
  'started_at',
  'finished_at',
  'wake_at',
] as const;

/** The SET list and parameters ($1 run, $2 step) of an UPDATE of a step's columns. */
export function stepUpdate(runId: string, stepId: string, patch: StepPatch) {
  const sets: string[] = [];
  const params: unknown[] = [runId, stepId];
  for (const column of STEP_COLUMNS) {
    if (!(column in patch)) continue;
    const value = patch[column];
    params.push(value === undefined ? null : JSON_COLUMNS.has(column) ? json(value) : value);
    sets.push(`${column} = $${params.length}${JSON_COLUMNS.has(column) ? '::json' : ''}`);
  }
  return { sets, params };
}

// Always send JSON as text: pg would turn a JS array into a PostgreSQL array.
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function time(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** Copies the columns that are set, leaving SQL NULLs out of the record. */
function present<T extends object>(out: T, row: Row, keys: string[]): T {
  for (const key of keys) {
    if (row[key] !== null && row[key] !== undefined) (out as Row)[key] = row[key];
  }
  return out;
}

export function toRun(row: Row): RunRecord {
  const run: RunRecord = {
    id: String(row.id),
    workflow_id: String(row.workflow_id),
    tenant_id: String(row.tenant_id),
    status: row.status as Status,
    input: row.input,
    snapshot_hash: String(row.snapshot_hash),
    workflow: (row.workflow ?? row.stored_workflow) as RunRecord['workflow'],
    active_ms: Number(row.active_ms),
    created_at: time(row.created_at)!,
    updated_at: time(row.updated_at)!,
  };
  present(run, row, ['error']);
  if (row.cancel_requested === true) run.cancel_requested = true;
  const started = time(row.started_at);
  const finished = time(row.finished_at);
  if (started) run.started_at = started;
  if (finished) run.finished_at = finished;
  return run;
}

export function toStep(row: Row): StepRecord {
  const step: StepRecord = {
    run_id: String(row.run_id),
    step_id: String(row.step_id),
    position: Number(row.position),
    type: String(row.type),
    status: row.status as Status,
    skipped: row.skipped === true,
    attempts: Number(row.attempts),
  };
  present(step, row, ['input', 'output', 'error', 'decision', 'job', 'parent_id']);
  if (row.item_index !== null && row.item_index !== undefined) {
    step.item_index = Number(row.item_index);
  }
  const wake = time(row.wake_at);
  if (wake) step.wake_at = wake;
  const started = time(row.started_at);
  const finished = time(row.finished_at);
  if (started) step.started_at = started;
  if (finished) step.finished_at = finished;
  return step;
}

export function toApproval(row: Row): ApprovalRecord {
  const approval: ApprovalRecord = {
    run_id: String(row.run_id),
    step_id: String(row.step_id),
    status: row.status as ApprovalStatus,
    requested_at: time(row.requested_at)!,
  };
  present(approval, row, ['rule_id', 'reason', 'decided_by', 'note']);
  const decided = time(row.decided_at);
  if (decided) approval.decided_at = decided;
  return approval;
}

/**
 * A finished run's step as its run's own row keeps it: the run's id, and
 * the snapshot hash of a decision made under the run's snapshot, are the
 * row's own columns, so they are left off (a tenth of the row's bytes;
 * `fromInlineStep` puts them back).
 */
export function inlineStep(step: Row, runSnapshotHash: unknown): Row {
  const out: Row = {};
  for (const key in step) if (key !== 'run_id') out[key] = step[key];
  const decision = step.decision as Row | null | undefined;
  if (decision && decision.snapshot_hash === runSnapshotHash) {
    const kept: Row = {};
    for (const key in decision) if (key !== 'snapshot_hash') kept[key] = decision[key];
    out.decision = kept;
  }
  return out;
}

/** A step kept in its run's row (by `inlineStep`, or whole before it) as a step row. */
export function fromInlineStep(step: Row, run: RunRecord): Row {
  const decision = step.decision as Row | null | undefined;
  const restored = decision && typeof decision === 'object' && !('snapshot_hash' in decision)
    ? { ...decision, snapshot_hash: run.snapshot_hash }
    : decision;
  return { ...step, run_id: run.id, decision: restored };
}

/**
 * A decision event's details: its snapshot hash only when it is not the
 * run's own (the timeline's reader puts the run's back, see toEvent).
 */
export function decisionDetails(
  decision: { decision: string; rule_id?: string; snapshot_hash: string },
  runSnapshotHash: string,
): Row {
  const details: Row = { decision: decision.decision, rule_id: decision.rule_id };
  if (decision.snapshot_hash !== runSnapshotHash) details.snapshot_hash = decision.snapshot_hash;
  return details;
}

/** The positions of a stored event's fields. */
const EVENT_FIELDS = ['at', 'type', 'step_id', 'status', 'message', 'details'];

/**
 * A timeline event as stored: its fields by position (EVENT_FIELDS), unset
 * ones null and trailing nulls left off. Most of a run's bytes are its
 * timeline, and positions spare every event its key names.
 */
export function eventRow(at: string, e: NewEvent): unknown[] {
  const row = [at, e.type, e.step_id ?? null, e.status ?? null, e.message ?? null,
    e.details ?? null];
  let length = row.length;
  while (length > 2 && row[length - 1] === null) length--;
  row.length = length;
  return row;
}

/**
 * One event of a run's timeline, stored in either form: by position (now)
 * or as an object (before); `seq` is its place in the timeline, from 1. A
 * decision event stored without its snapshot hash was made under the run's
 * (`runSnapshotHash`).
 */
export function toEvent(stored: Row | unknown[], seq: number, runSnapshotHash?: string) {
  const row: Row = Array.isArray(stored)
    ? Object.fromEntries(stored.map((value, i) => [EVENT_FIELDS[i]!, value]))
    : stored;
  const event: TimelineEvent = { seq, at: time(row.at)!, type: String(row.type) };
  present(event, row, ['step_id', 'status', 'message', 'details']);
  const details = event.details as Row | undefined;
  if (event.type === 'decision' && runSnapshotHash !== undefined && details &&
    typeof details === 'object' && !('snapshot_hash' in details)) {
    event.details = { ...details, snapshot_hash: runSnapshotHash };
  }
  return event;
}
