/**
 * The runs this process holds, in memory. While a process holds a run's
 * lease nobody else advances it, so its steps are read from here and its
 * changes go to the journal instead of one statement each. Other processes
 * may only touch a step that waits (approve, reject, give input); a run
 * with such a step is settled under the row lock from the database.
 */
import { canonicalJson } from '../packs/canonical.js';
import { sha256Hex } from '../packs/digest.js';
import type { Workflow } from '../packs/workflow/types.js';
import type { HashedWorkflow, JournalRow } from './journal.js';
import type { StepError } from './errors.js';
import type { ApprovalRecord, RunRecord, RunView, Status, StepRecord } from './records.js';
import { isTerminal } from './records.js';
import type { NewRun } from './store_types.js';

export interface HeldRun {
  run: RunRecord;
  /** Whether the run's row is in the database (see the journal's first write). */
  stored: boolean;
  resumedAt?: string;
  leaseOwner?: string;
  leaseUntil?: string;
  /** The start's `Idempotency-Key`, written with the run's first write. */
  idempotencyKey?: string;
  steps: Map<string, StepRecord>;
  approvals: Map<string, ApprovalRecord>;
}

const hashes = new WeakMap<Workflow, string>();

/** The SHA-256 of a workflow's canonical JSON, worked out once per definition object. */
export function workflowHash(workflow: Workflow): string {
  let hash = hashes.get(workflow);
  if (hash === undefined) {
    hash = `sha256:${sha256Hex(canonicalJson(workflow))}`;
    hashes.set(workflow, hash);
  }
  return hash;
}

/** A held run's workflow as the journal stores it (once per definition). */
export function namedWorkflow(held: HeldRun): HashedWorkflow {
  return { hash: workflowHash(held.run.workflow), workflow: held.run.workflow };
}

/** A held run's row as the journal writes it. */
export function runRow(held: HeldRun): JournalRow {
  const { run, stored } = held;
  return {
    id: run.id,
    workflow_id: run.workflow_id,
    tenant_id: run.tenant_id,
    status: run.status,
    // Never changed once stored (a later write updates only the journal's RUN_MUTABLE), so
    // only the first write carries the input and the workflow's hash.
    input: stored ? undefined : run.input,
    error: run.error,
    snapshot_hash: run.snapshot_hash,
    workflow_hash: stored ? undefined : workflowHash(run.workflow),
    active_ms: run.active_ms,
    resumed_at: held.resumedAt,
    created_at: run.created_at,
    started_at: run.started_at,
    updated_at: run.updated_at,
    finished_at: run.finished_at,
    cancel_requested: run.cancel_requested === true,
    lease_owner: held.leaseOwner,
    lease_until: held.leaseUntil,
    // Set by the journal on a first write (present here so that setting them adds no key).
    events: undefined,
    steps: undefined,
    idempotency_key: stored ? undefined : held.idempotencyKey,
  };
}

/** A step's row: the record itself (its fields are the columns; what is unset is NULL). */
export function stepRow(step: StepRecord): StepRecord & JournalRow {
  return step as StepRecord & JournalRow;
}

/** A copy to hand out: callers never change what the cache holds. */
export function viewOf(held: HeldRun): RunView {
  const view = sharedView(held);
  return {
    run: { ...view.run },
    steps: view.steps.map((s) => ({ ...s })),
    approvals: view.approvals.map((a) => ({ ...a })),
  };
}

/**
 * The held records themselves, in a view's order, for a reader that
 * changes nothing and is done before the run changes (the engine reading
 * the run it advances): no copy of each record.
 */
export function sharedView(held: HeldRun): RunView {
  const steps = [...held.steps.values()];
  if (steps.length > 1) {
    steps.sort((a, b) => a.position - b.position || (a.item_index ?? -1) - (b.item_index ?? -1));
  }
  const approvals = [...held.approvals.values()];
  if (approvals.length > 1) {
    approvals.sort((a, b) => a.requested_at.localeCompare(b.requested_at) ||
      cmp(a.step_id, b.step_id));
  }
  return { run: held.run, steps, approvals };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether another process could change the run now: a step waits for someone. */
export function othersMayChange(held: HeldRun): boolean {
  for (const step of held.steps.values()) if (step.status === 'waiting') return true;
  for (const approval of held.approvals.values()) if (approval.status === 'pending') return true;
  return false;
}

/**
 * Applies a patch in place, the way the database would: an undefined or
 * null value clears the column. A cleared field is left undefined rather
 * than deleted (rows are JSON, which leaves it out, and objects keep their
 * fast shape). Only the store holds its records, and the journal turns them
 * into text as a write leaves, so changing one in place is safe.
 */
export function patchInPlace<T extends object>(record: T, patch: Partial<T>): T {
  const out = record as Record<string, unknown>;
  for (const key in patch) {
    const value = (patch as Record<string, unknown>)[key];
    out[key] = value === null ? undefined : value;
  }
  return record;
}

/** A run just recorded, every step `pending`; with a lease, `running` and held by its owner. */
export function newHeldRun(
  run: NewRun,
  steps: { step_id: string; type: string }[],
  now: string,
  lease?: { owner: string; until: string },
): HeldRun {
  // Field by field: on Node 20 a spread followed by new keys takes V8's slow path (~1 µs a key).
  const record: RunRecord = {
    id: run.id,
    workflow_id: run.workflow_id,
    tenant_id: run.tenant_id,
    status: lease ? 'running' : 'pending',
    input: run.input,
    snapshot_hash: run.snapshot_hash,
    workflow: run.workflow,
    active_ms: 0,
    created_at: now,
    updated_at: now,
    started_at: lease ? now : undefined,
    finished_at: undefined,
    error: undefined,
  };
  const held: HeldRun = { run: record, stored: false, steps: new Map(), approvals: new Map() };
  for (const [position, s] of steps.entries()) {
    held.steps.set(s.step_id, pendingStep(run.id, s.step_id, position, s.type));
  }
  if (lease) {
    held.resumedAt = now;
    held.leaseOwner = lease.owner;
    held.leaseUntil = lease.until;
  }
  if (run.idempotency_key !== undefined) held.idempotencyKey = run.idempotency_key;
  return held;
}

/** Leaves `running` for `status` in memory, as `releaseRun` does in SQL. */
export function releaseHeld(held: HeldRun, status: Status, now: string, error?: StepError) {
  const { run } = held;
  const at = Date.parse(now);
  const since = held.resumedAt ? Date.parse(held.resumedAt) : at;
  run.active_ms += Math.max(0, at - since);
  run.status = status;
  run.updated_at = now;
  // Cleared fields are set undefined, not deleted (see `patchInPlace`).
  run.error = error;
  run.finished_at = isTerminal(status) ? now : undefined;
  held.resumedAt = undefined;
  held.leaseOwner = undefined;
  held.leaseUntil = undefined;
}

/**
 * A `pending` step with every field of a step record present (unset ones
 * undefined), so each later change updates a field instead of adding one:
 * adding keys to an object is V8's slow path.
 */
export function pendingStep(
  runId: string,
  stepId: string,
  position: number,
  type: string,
  child?: { parent_id: string; item_index: number },
): StepRecord {
  return {
    run_id: runId,
    step_id: stepId,
    position,
    type,
    status: 'pending',
    skipped: false,
    input: undefined,
    output: undefined,
    error: undefined,
    decision: undefined,
    job: undefined,
    attempts: 0,
    started_at: undefined,
    finished_at: undefined,
    parent_id: child?.parent_id,
    item_index: child?.item_index,
    wake_at: undefined,
  };
}

/** The `index`th child of a `for_each` step. */
export function childRecord(
  runId: string,
  parent: { step_id: string; position: number; type: string },
  index: number,
): StepRecord {
  const child = { parent_id: parent.step_id, item_index: index };
  return pendingStep(runId, `${parent.step_id}[${index}]`, parent.position, parent.type, child);
}
