/**
 * What a step executor gets and gives back. An executor does one step type
 * (`engine/steps/<type>.ts`); it persists what it learns as it goes
 * through `update`, and answers how the step ended.
 */
import type { PackTopic } from '../../packs/manifest.js';
import type { DecisionResult, PolicyRequest, PolicySnapshot } from '../../packs/policy/types.js';
import type { Scope } from '../conditions.js';
import type { StepError } from '../errors.js';
import type { HandlerLookup } from '../handlers/types.js';
import type { KeyValueStore } from '../key_values.js';
import type { StepPlan } from '../plan.js';
import type { ApprovalRecord, DecisionRecord, RunRecord, RunView, StepRecord }
  from '../records.js';
import type { SchemaBook } from '../schemas.js';
import type { EngineStore, NewEvent, StepPatch } from '../store.js';
import type { RunPauses } from './pauses.js';

/** Where `notify` steps send their message; the timeline always records it. */
export interface Notifier {
  notify(message: { run_id: string; step_id: string; payload: unknown }): Promise<void> | void;
}

/** The engine's parts, built once in one place (`createEngine`). */
/**
 * A decision made by a policy kernel, with the version of the snapshot it used;
 * undefined while there is no kernel yet (the snapshot decides then).
 */
export type KernelDecide =
  (request: PolicyRequest) => (DecisionResult & { snapshotVersion?: number }) | undefined;

export interface EngineServices {
  store: EngineStore;
  snapshot: PolicySnapshot;
  /**
   * Decides a step's job through a kernel (`engine serve`), so the decision is recorded
   * for simulation and counted in the metrics. Undefined: `snapshot` decides directly.
   */
  decide?: KernelDecide;
  schemas: SchemaBook;
  handlers: HandlerLookup;
  /** Topics that installed packs declare, for their capability and risk tags. */
  topics: ReadonlyMap<string, PackTopic>;
  clock: () => Date;
  notifier?: Notifier;
  /** Waits between retries; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Steps of one run that run at once. */
  concurrency: number;
  /** Who claims runs (this process), and for how long a claim lasts unrenewed. */
  owner: string;
  leaseMs: number;
  /** Delays longer than this park the step `waiting` on a persisted timer. */
  holdDelayMs: number;
  /** URL prefixes `http` steps may call (the deployment's `http_allowlist`). */
  httpAllowlist: readonly string[];
  /** The key-value store `storage` steps read and write, per tenant. */
  keyValues: KeyValueStore;
  /** Runs this process advances now, with how to cancel each at once. */
  cancellers: Map<string, () => void>;
  /** Starts child runs for `subworkflow` steps (wired by the engine). */
  subworkflows?: Subworkflows;
  /** Called before each step runs (the `--step` debugger); may wait. */
  beforeStep?: (pause: StepPause) => Promise<void>;
  /** The time runs spend in `beforeStep`, left out of their time (set with it). */
  pauses?: RunPauses;
  /** What operators see (logs, traces) of runs, steps and decisions; see EngineHooks. */
  hooks?: EngineHooks;
}

/**
 * Where a run, a step and a decision begin and end, for logs and traces
 * (engine/observability/hooks.ts). Each begin answers the function told
 * how it ended. They must not throw and must not wait.
 */
export interface EngineHooks {
  /** This process starts driving a run; told its status when it stops here. */
  run(run: RunRecord): (status: string) => void;
  /** A step starts; told how it ended. */
  step(run: RunRecord, step: { id: string; type: string }): (outcome: StepOutcome) => void;
  /** A step's job was decided (inside that step). */
  decided(run: RunRecord, stepId: string, decision: DecisionRecord): void;
  /**
   * A `subworkflow` step (`parentStepId`) advances its child run inside `fn`:
   * what the child logs is told as done for the request its parent is advanced
   * for, and its span is a child of that step's.
   */
  child?<T>(parentRunId: string, childRunId: string, fn: () => Promise<T>,
    parentStepId?: string): Promise<T>;
}

export interface Subworkflows {
  /**
   * Records a child run under `runId` (chosen, and kept on the parent's step,
   * before the child is recorded); a child already recorded is left as it is.
   */
  create(workflowId: string, input: unknown, parentRunId: string, runId: string): Promise<void>;
  /** Takes the child run of `parentRunId`'s step `parentStepId` as far as it goes. */
  drive(runId: string, parentRunId: string, parentStepId?: string): Promise<RunView>;
  /** Cancels a child run; rejects for one that has finished (it stays as it is). */
  cancel(runId: string): Promise<void>;
}

/** What the debugger shows before a step. */
export interface StepPause {
  run_id: string;
  step_id: string;
  type: string;
  input: unknown;
  decision?: { decision: string; rule_id?: string; reason?: string };
  /** A `for_each` parent's items, rendered (it has no input or decision of its own). */
  for_each?: unknown;
}

export interface StepContext {
  services: EngineServices;
  run: RunRecord;
  /** The owning pack, when a step's meta does not name one. */
  packId: string;
  plan: StepPlan;
  /** The step as stored, kept current by `update`. */
  record: StepRecord;
  /** Present when the step asked for approval before (it is resuming). */
  approval?: ApprovalRecord;
  scope: Scope;
  /** Aborts when the run's time is up, it is cancelled, or its lease is lost. */
  signal: AbortSignal;
  update(patch: StepPatch): Promise<void>;
  event(event: Omit<NewEvent, 'step_id'>): Promise<void>;
}

export type StepOutcome =
  | { status: 'succeeded'; output?: unknown }
  | { status: 'failed'; error: StepError }
  | { status: 'waiting' }
  | { status: 'timed_out'; error: StepError }
  | { status: 'cancelled'; error: StepError }
  | { status: 'succeeded'; skipped: true; reason: string };

export type StepExecutor = (ctx: StepContext) => Promise<StepOutcome>;
