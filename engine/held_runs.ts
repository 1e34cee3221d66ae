/**
 * What one store knows of runs in this process: the runs it holds, whose
 * changes are made in memory (see store_cache.ts) and queued on the
 * journal; the runs it gave up; and the cancels asked here. `EngineStore`
 * asks it first and goes to the database for the rest.
 */
import type { StepError } from './errors.js';
import type { JournalLanes } from './journal_lanes.js';
import type { RunRecord, Status, StepRecord } from './records.js';
import {
  newHeldRun, patchInPlace, releaseHeld, stepRow, type HeldRun,
} from './store_cache.js';
import { eventRow } from './store_rows.js';
import type { NewRun, StepPatch } from './store_types.js';

export class HeldRuns {
  /** Runs this process holds; only the root store has them. */
  private readonly held = new Map<string, HeldRun>();
  /** Runs whose lease this process lost while advancing them (until `forget`). */
  private readonly abandoned = new Set<string>();
  /**
   * Runs a cancel was asked of here, held or not: an approval may be taking
   * the run into this process meanwhile, from a row read before the flag.
   */
  private readonly cancels = new Set<string>();
  /**
   * When this process's lease on each held run runs out, by its own
   * monotonic clock (not the engine's, which tests move): past it, the
   * process paused longer than the lease and may have lost the run.
   */
  private readonly deadlines = new Map<string, number>();

  /** `journal` queues the changes of held runs (a store bound to a transaction has none). */
  constructor(private readonly journal?: JournalLanes<HeldRun>) {}

  /** The run, when this process holds it. */
  get(runId: string): HeldRun | undefined {
    return this.held.get(runId);
  }

  /** Holds a run this process has claimed (loaded whole from the database). */
  hold(held: HeldRun): void {
    this.held.set(held.run.id, held);
  }

  /** Whether this process gave the run up (`abandon`) and has not forgotten it since. */
  isAbandoned(runId: string): boolean {
    return this.abandoned.has(runId);
  }

  /** Notes a lease taken or renewed at `sentAt` (performance.now(), before asking) for `ms`. */
  leased(runId: string, sentAt: number, ms: number): void {
    this.deadlines.set(runId, sentAt + ms);
  }

  /** Whether the lease on a run held here has run out by this process's clock. */
  lapsed(runId: string): boolean {
    const deadline = this.deadlines.get(runId);
    return deadline !== undefined && this.held.has(runId) && performance.now() > deadline;
  }

  /** Drops a run from memory (its rows stay queued until written). */
  forget(runId: string): void {
    this.deadlines.delete(runId);
    this.held.delete(runId);
    this.abandoned.delete(runId);
    this.cancels.delete(runId);
  }

  /** Drops a run another process has taken, and what was queued for it and not yet sent. */
  abandon(runId: string): void {
    this.deadlines.delete(runId);
    this.held.delete(runId);
    this.abandoned.add(runId);
    this.journal?.discard(runId);
  }

  /** Whether a cancel was asked of a run this process holds (as far as it has heard). */
  cancelRequested(runId: string): boolean {
    return this.cancels.has(runId) || this.held.get(runId)?.run.cancel_requested === true;
  }

  /** Notes a cancel asked here (the database has the flag already). */
  noteCancel(runId: string): void {
    this.cancels.add(runId);
    const held = this.held.get(runId);
    if (held) held.run.cancel_requested = true;
  }

  /**
   * Queues a new run with every step `pending`, in order, and its first
   * events. With a lease the run is `running` and held here.
   */
  create(
    run: NewRun,
    steps: { step_id: string; type: string }[],
    now: string,
    lease?: { owner: string; until: string },
  ): RunRecord {
    const held = newHeldRun(run, steps, now, lease);
    const record = held.run;
    this.keepRun(held);
    for (const step of held.steps.values()) this.keepStep(step);
    this.journal!.addEvent(run.id, eventRow(now, { type: 'run_created', status: 'pending' }));
    if (lease) {
      const details = { owner: lease.owner };
      const started = eventRow(now, { type: 'run_status', status: 'running', details });
      this.journal!.addEvent(run.id, started);
      this.held.set(run.id, held);
    }
    return { ...record };
  }

  /** Changes a step of a held run; false when this process does not hold the step. */
  patchStep(runId: string, stepId: string, patch: StepPatch): boolean {
    const step = this.held.get(runId)?.steps.get(stepId);
    if (!step) return false;
    this.keepStep(patchInPlace<StepRecord>(step, patch as Partial<StepRecord>));
    return true;
  }

  /** Adds a `for_each` child to a held run, unless the run has it already. */
  addChild(held: HeldRun, child: StepRecord): void {
    if (held.steps.has(child.step_id)) return;
    held.steps.set(child.step_id, child);
    this.keepStep(child);
  }

  /** Leaves `running` for `status` in a held run (see `releaseHeld`). */
  release(held: HeldRun, status: Status, now: string, error?: StepError): void {
    releaseHeld(held, status, now, error);
    this.keepRun(held);
  }

  private keepRun = (held: HeldRun) => this.journal!.putRun(held);
  private keepStep = (step: StepRecord) => this.journal!.putStep(stepRow(step));
}
