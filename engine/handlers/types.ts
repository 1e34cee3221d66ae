/**
 * A handler receives the job of a worker step and answers its output. The
 * runner never knows how: a built-in function, an HTTP endpoint or a child
 * process all sit behind this one interface.
 */
import type { Constraints } from '../../packs/policy/types.js';

/** What a handler receives, as JSON (field names as the deployment contract says). */
export interface Job {
  job_id: string;
  run_id: string;
  step_id: string;
  topic: string;
  input: unknown;
  meta: Record<string, unknown>;
  /** The policy's constraints for an `allow_with_constraints` decision, else `{}`. */
  constraints: Constraints;
  /** `<run_id>:<step_id>:<attempt>` unless the step's `meta.idempotency_key` says otherwise. */
  idempotency_key: string;
  tenant_id: string;
  attempt: number;
}

export interface JobHandler {
  /** `builtin:echo`, `http:<url>`, `exec:<command>`: for records and messages. */
  readonly name: string;
  /**
   * True for a handler that runs inside the engine with no effect outside
   * it and answers at once: its job need not be written down before it is
   * sent, and its `signal` never aborts (there is nothing to stop).
   */
  readonly inline?: boolean;
  /**
   * Runs the job and resolves with its output. Rejects with an EngineError:
   * `handler_failed`, `handler_timeout` or `handler_bad_output`. `signal`
   * aborts when the run's deadline passes; the handler then stops at once.
   */
  handle(job: Job, signal: AbortSignal): Promise<unknown>;
}

/** Finds the handler for a topic. */
export interface HandlerLookup {
  find(topic: string): JobHandler | undefined;
}

/** Handler time limit when the deployment gives none. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

/** The most output bytes a handler may answer. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
