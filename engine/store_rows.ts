/** Rows of the engine's tables as records, and values as SQL parameters. */
import type {
  ApprovalRecord,
  ApprovalStatus,
  RunRecord,
  Status,
  StepRecord,
  TimelineEvent,
} from './records.js';

export type Row = Record<string, unknown>;

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
    workflow: row.workflow as RunRecord['workflow'],
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

export function toEvent(row: Row): TimelineEvent {
  const event: TimelineEvent = { seq: Number(row.seq), at: time(row.at)!, type: String(row.type) };
  present(event, row, ['step_id', 'status', 'message', 'details']);
  return event;
}
