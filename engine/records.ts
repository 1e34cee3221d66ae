/**
 * What the engine keeps about runs, steps, approvals and their timeline.
 * Runs and steps share one set of statuses, exactly Cordum's.
 */
import type { Constraints, Decision, PolicyRequest, Remediation } from '../packs/policy/types.js';
import type { Workflow } from '../packs/workflow/types.js';
import type { StepError } from './errors.js';

export const STATUSES = [
  'pending',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
] as const;
export type Status = (typeof STATUSES)[number];

const TERMINAL: readonly Status[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

export function isTerminal(status: Status): boolean {
  return TERMINAL.includes(status);
}

/** One policy decision as recorded on its step. */
export interface DecisionRecord {
  decision: Decision;
  rule_id?: string;
  reason?: string;
  constraints?: Constraints;
  remediations?: Remediation[];
  /** The hash of the policy snapshot the decision was made against. */
  snapshot_hash: string;
  /** Its version in the kernel's history, when a kernel decided (`engine serve`). */
  snapshot_version?: number;
  decided_at: string;
  /** What was asked, so the decision can be explained later. */
  request: PolicyRequest;
}

/** The job a worker step sent (its last attempt). */
export interface JobRecord {
  job_id: string;
  idempotency_key: string;
  handler: string;
  constraints: Constraints;
}

export interface StepRecord {
  run_id: string;
  step_id: string;
  /** Index in the run's step order. */
  position: number;
  type: string;
  status: Status;
  /** True when the step's condition was false: `succeeded` with no output. */
  skipped: boolean;
  input?: unknown;
  output?: unknown;
  error?: StepError;
  decision?: DecisionRecord;
  job?: JobRecord;
  attempts: number;
  started_at?: string;
  finished_at?: string;
  /** For a child of a `for_each` step: the parent's id and the item's index. */
  parent_id?: string;
  item_index?: number;
  /** A `delay` step's (or delayed step's) wake-up time, kept across restarts. */
  wake_at?: string;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface ApprovalRecord {
  run_id: string;
  step_id: string;
  status: ApprovalStatus;
  /** The rule that asked for approval (absent for an `approval` step). */
  rule_id?: string;
  reason?: string;
  requested_at: string;
  decided_at?: string;
  decided_by?: string;
  /** The approver's note, or the rejection's reason. */
  note?: string;
}

export interface RunRecord {
  id: string;
  workflow_id: string;
  tenant_id: string;
  status: Status;
  input: unknown;
  error?: StepError;
  /** The snapshot the run started with; each decision records its own. */
  snapshot_hash: string;
  /** The workflow as it was when the run started: a resumed run keeps it. */
  workflow: Workflow;
  /** Time spent running so far; waiting for a person does not count. */
  active_ms: number;
  /** Set by `cancel` while another process advances the run. */
  cancel_requested?: boolean;
  created_at: string;
  started_at?: string;
  updated_at: string;
  finished_at?: string;
}

export interface TimelineEvent {
  seq: number;
  at: string;
  type: string;
  step_id?: string;
  status?: Status;
  message?: string;
  details?: Record<string, unknown>;
}

/** A run with its steps (in order) and approvals: what commands print. */
export interface RunView {
  run: RunRecord;
  steps: StepRecord[];
  approvals: ApprovalRecord[];
}
