/**
 * Errors of the engine. Every failure carries a stable `code` from a closed
 * set and a message that names the workflow, step, file or field at fault.
 * Step failures are not thrown past the runner: they are recorded on the
 * step as a `StepError` value with the same codes.
 */
import { storableCopy, storableText } from '../packs/documents.js';
import type { Issue } from '../packs/errors.js';

export type EngineErrorCode =
  // loading workflows and deployments
  | 'workflow_not_found'
  | 'workflow_invalid'
  | 'step_type_unsupported'
  | 'expression_invalid'
  | 'deployment_missing'
  | 'deployment_invalid'
  // a run's input and the steps' schemas
  | 'input_invalid'
  | 'idempotency_key_reused'
  | 'output_invalid'
  // policy and approvals
  | 'policy_denied'
  | 'throttled'
  | 'approval_rejected'
  | 'approval_not_pending'
  // jobs and handlers
  | 'handler_missing'
  | 'handler_failed'
  | 'handler_timeout'
  | 'handler_bad_output'
  | 'expression_failed'
  | 'http_not_allowed'
  | 'http_failed'
  | 'http_bad_output'
  | 'storage_invalid'
  | 'subworkflow_failed'
  | 'loop_limit'
  | 'step_timed_out'
  | 'input_not_waiting'
  // runs
  | 'run_not_found'
  | 'step_not_found'
  | 'run_finished'
  | 'run_timed_out'
  | 'run_cancelled'
  | 'upstream_failed'
  | 'lease_lost'
  | 'usage'
  | 'internal';

/**
 * Whether `reason` says this process's lease on a run ran out before its
 * rows were written (it paused past the lease): the run is given up.
 */
export function isLeaseLost(reason: unknown): boolean {
  return reason instanceof EngineError && reason.code === 'lease_lost';
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly issues: Issue[];
  /** Extra machine-readable facts (the HTTP status, the exit code, a rule id). */
  readonly details: Record<string, unknown>;

  constructor(
    code: EngineErrorCode,
    message: string,
    options: { issues?: Issue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}

/** How a failed step records why, in the database and in `--json` output. */
export interface StepError {
  code: EngineErrorCode;
  message: string;
  /** The policy rule that decided, for `policy_denied` and `throttled`. */
  rule_id?: string;
  /** Schema problems, for `input_invalid` and `output_invalid`. */
  issues?: { path: string; schema_path?: string; message: string }[];
  details?: Record<string, unknown>;
}

/** A thrown error as a recordable step error; unknown errors become `internal`. */
export function toStepError(err: unknown): StepError {
  // Messages may quote what a worker or a server sent; the database stores no NUL.
  if (isEngineError(err)) {
    const out: StepError = { code: err.code, message: storableText(err.message) };
    if (Object.keys(err.details).length > 0) out.details = storableCopy(err.details);
    return out;
  }
  return {
    code: 'internal',
    message: storableText(err instanceof Error ? err.message : String(err)),
  };
}
