/**
 * Runs, steps, approvals and timelines in the database (PostgreSQL or
 * PGlite, the same SQL). A run this process holds is kept in memory and its
 * changes are group-committed through the journal; everything else is read
 * and written directly, after the journal is flushed, so a reader never
 * sees older state than was acknowledged and a run that waits for approval
 * survives the process and resumes in another. `EngineStore` decides which
 * way each call goes: memory is held_runs.ts, the SQL store_reads.ts and
 * store_writes.ts.
 */
import type { Database, Queryable } from '../storage/database.js';
import { migrate } from '../storage/migrate.js';
import { ENGINE_MIGRATIONS } from './migrations.js';
import type {
  ApprovalRecord, ApprovalStatus, RunRecord, RunView, Status, TimelineEvent,
} from './records.js';
import { isTerminal } from './records.js';
import { eventRow, inlineStep, stepUpdate, toRun, type Row } from './store_rows.js';
import { EngineError, isLeaseLost, type StepError } from './errors.js';
import { HeldRuns } from './held_runs.js';
import { JournalLanes } from './journal_lanes.js';
import {
  childRecord, namedWorkflow, othersMayChange, runRow, sharedView, viewOf, type HeldRun,
} from './store_cache.js';
import { StoreClock, systemClock } from './store_clock.js';
import {
  readApproval, readDueRuns, readHeldRun, readRunForKey, readRunRow, readRuns, readTimeline,
  readView,
} from './store_reads.js';
import type { NewEvent, NewRun, StepPatch } from './store_types.js';
import {
  claimRunRow, decideApprovalRow, insertChildRow, insertEventRows, lockRunRow, releaseRunRow,
  renewLeaseRow, requestApprovalRow, requestCancelRow, wakeTimerRows, writeStepUpdate,
} from './store_writes.js';

export type { NewEvent, NewRun, StepPatch } from './store_types.js';

/**
 * What a change made in memory answers: a promise already done, shared, so
 * that the many changes of a run held here allocate none.
 */
export const DONE: Promise<void> = Promise.resolve();

/** How long a claim on a run lasts unless its process renews it. */
export const DEFAULT_LEASE_MS = 30_000;

/** Opens the engine's tables, creating or upgrading them first. */
export async function openEngineStore(db: Database, clock: () => Date = systemClock) {
  await migrate(db, 'engine', ENGINE_MIGRATIONS);
  const finished = (held: HeldRun) => isTerminal(held.run.status);
  let store: EngineStore | undefined;
  const journal = new JournalLanes(db, runRow, {
    finished,
    workflowOf: namedWorkflow,
    inlineStep: (step, row) => inlineStep(step, row.snapshot_hash),
    lapsed: (runId) => store?.leaseLapsed(runId) ?? false,
  });
  store = new EngineStore(db, clock, db, journal);
  return store;
}

/** A lease: who holds a run, for how long unrenewed. */
export interface Lease {
  owner: string;
  ms: number;
}

export class EngineStore {
  /** Runs this process holds, has given up, or was asked to cancel (see held_runs.ts). */
  private readonly runs: HeldRuns;
  private readonly time: StoreClock;

  /**
   * `db` is the connection; `pool`, when given, can open transactions; the
   * journal batches writes. A store made by `atomically` is bound to one
   * transaction and has neither pool nor journal.
   */
  constructor(
    private readonly db: Queryable,
    private readonly clock: () => Date,
    private readonly pool?: Database,
    private readonly journal?: JournalLanes<HeldRun>,
  ) {
    this.runs = new HeldRuns(journal);
    this.time = new StoreClock(clock);
  }

  /**
   * Resolves once every write so far (of `runId` only, given one) is
   * committed. A run whose lease ran out here before its rows went is given
   * up (`lease_lost`): its rows are dropped, for its new owner to redo.
   */
  async flush(runId?: string): Promise<void> {
    try {
      await this.journal?.flush(runId);
    } catch (err) {
      if (runId !== undefined && isLeaseLost(err)) this.abandon(runId);
      throw err;
    }
  }

  /** Whether this process's lease on a run it holds ran out before it renewed it. */
  leaseLapsed(runId: string): boolean {
    return this.runs.lapsed(runId);
  }

  /** The connection, once what the journal holds is written (direct writes stay in order). */
  private async direct(): Promise<Queryable> {
    await this.flush();
    return this.db;
  }

  /** Drops a run from memory (its rows stay queued until written). */
  forget(runId: string): void {
    this.runs.forget(runId);
  }

  /**
   * Gives up a run whose lease another process has taken: what was queued
   * for it and not yet sent is dropped, and the changes its steps still
   * make here are not written, so nothing this process does any more lands
   * on the new owner's run. The new owner redoes what was lost (under the
   * same idempotency keys).
   */
  abandon(runId: string): void {
    this.runs.abandon(runId);
  }

  /** The clock's time as ISO text; one text a millisecond, as runs read it many times each. */
  now(): string {
    return this.time.now();
  }

  /**
   * Runs `fn` in one transaction holding the run's row lock. Approving a
   * step and settling a run's status both go through here, so a step
   * approved while another process advances the run is never lost.
   */
  async atomically<T>(runId: string, fn: (tx: EngineStore) => Promise<T>): Promise<T> {
    await this.flush();
    // What was held back for a lapsed lease must not be written once the run is forgotten.
    if (this.runs.lapsed(runId)) {
      this.abandon(runId);
      throw new EngineError('lease_lost', `run ${runId}: this process's lease on it ran out ` +
        'before its changes were written; another process may have taken it over');
    }
    // Inside, the database is the truth: this process stops answering for the run.
    this.forget(runId);
    return this.inTransaction(async (q) => {
      await lockRunRow(q, runId);
      return fn(new EngineStore(q, this.clock));
    });
  }

  /**
   * For settling a run: `fn` against memory when this process holds the run
   * and no step waits for someone else (nobody else may change it then),
   * else under the row lock as `atomically`.
   */
  async settling<T>(runId: string, fn: (store: EngineStore) => Promise<T>): Promise<T> {
    const held = this.runs.get(runId);
    // A run given up (`abandon`) is settled by its new owner: `fn` here writes nothing.
    if ((held && !othersMayChange(held)) || this.runs.isAbandoned(runId)) return fn(this);
    return this.atomically(runId, fn);
  }

  private inTransaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.pool ? this.pool.transaction(fn) : fn(this.db);
  }

  /**
   * Records a new run with every step `pending`, in order. With a lease the
   * run starts `running`, held by this process (no claim round trip);
   * without, it is `pending` for whichever process claims it. The rows are
   * queued: `flush` makes them durable.
   */
  createRun(run: NewRun, steps: { step_id: string; type: string }[], lease?: Lease): RunRecord {
    const now = this.now();
    const until = lease && { owner: lease.owner, until: this.time.leaseEnd(now, lease.ms) };
    if (lease) this.runs.leased(run.id, performance.now(), lease.ms);
    return this.runs.create(run, steps, now, until);
  }

  /**
   * Moves a run from one of `from` to `running` and starts its clock.
   * Undefined when the run is not in one of those statuses (another process
   * holds it, or it has finished), so two processes never run it at once.
   */
  async claimRun(
    runId: string,
    from: Status[],
    lease: Lease = { owner: 'local', ms: DEFAULT_LEASE_MS },
  ): Promise<RunRecord | undefined> {
    const db = await this.direct();
    const sentAt = performance.now();
    const now = this.now();
    const until = this.time.leaseEnd(now, lease.ms);
    const row = await claimRunRow(db, runId, from, now, { owner: lease.owner, until });
    if (!row) return undefined;
    const run = toRun(row);
    if (this.journal) {
      this.runs.hold(await readHeldRun(this.db, run, row));
      this.runs.leased(runId, sentAt, lease.ms);
    }
    await this.addEvent(runId, {
      type: row.was === 'running' ? 'run_taken_over' : 'run_status',
      status: 'running',
      details: { owner: lease.owner },
    });
    return run;
  }

  /** Holds in memory a run this process claimed inside a transaction, for `leaseMs`. */
  async adopt(runId: string, leaseMs: number): Promise<void> {
    // The claim committed just before: its lease is counted from here.
    const sentAt = performance.now();
    const row = await this.runRowOf(runId);
    if (!row || !this.journal) return;
    this.runs.hold(await readHeldRun(this.db, toRun(row), row));
    this.runs.leased(runId, sentAt, leaseMs);
  }

  /** Renews the lease; answers whether cancel was asked, or undefined if the lease is lost. */
  async renewLease(runId: string, owner: string, ms: number): Promise<boolean | undefined> {
    const db = await this.direct();
    const sentAt = performance.now();
    const until = this.time.leaseEnd(this.now(), ms);
    const cancelRequested = await renewLeaseRow(db, runId, owner, until);
    const held = this.runs.get(runId);
    if (held && cancelRequested !== undefined) {
      held.leaseUntil = until;
      this.runs.leased(runId, sentAt, ms);
    }
    return cancelRequested;
  }

  /** Whether a cancel was asked of a run this process holds (as far as it has heard). */
  cancelRequested(runId: string): boolean {
    return this.runs.cancelRequested(runId);
  }

  async requestCancel(runId: string): Promise<void> {
    const db = await this.direct();
    await requestCancelRow(db, runId);
    this.runs.noteCancel(runId);
  }

  /**
   * Runs another process should pick up: pending ones, running ones whose
   * lease ran out, and waiting ones with a timer due. With `pendingMs`, a
   * pending run is due once it has waited that long (a queue has it till then).
   */
  async dueRuns(limit: number, pendingMs = 0): Promise<string[]> {
    const now = this.now();
    const pendingBefore = new Date(Date.parse(now) - pendingMs).toISOString();
    return readDueRuns(await this.direct(), now, limit, pendingBefore);
  }

  /** Wakes the waiting steps of a run whose timers are due (they go back to `pending`). */
  async wakeTimers(runId: string): Promise<void> {
    const db = await this.direct();
    this.forget(runId);
    await wakeTimerRows(db, runId, this.now());
  }

  /** Records the children of a `for_each` step once; a resumed run keeps those it has. */
  async addChildren(
    runId: string,
    parent: { step_id: string; position: number; type: string },
    count: number,
  ): Promise<void> {
    if (this.runs.isAbandoned(runId)) return;
    const held = this.runs.get(runId);
    for (let i = 0; i < count; i++) {
      const child = childRecord(runId, parent, i);
      if (held) this.runs.addChild(held, child);
      else await insertChildRow(await this.direct(), child, parent.step_id, i);
    }
  }

  /**
   * Leaves `ms` just spent out of the running time of a run held here (the
   * `--step` debugger's pause), as if it had resumed that much later.
   */
  leaveOut(runId: string, ms: number): void {
    const held = this.runs.get(runId);
    if (!held?.resumedAt) return;
    held.resumedAt = new Date(Date.parse(held.resumedAt) + Math.round(ms)).toISOString();
  }

  /** Leaves `running` for `status`, adding the time spent to `active_ms`. */
  async releaseRun(runId: string, status: Status, error?: StepError): Promise<void> {
    if (this.runs.isAbandoned(runId)) return;
    const now = this.now();
    const held = this.runs.get(runId);
    if (held) this.runs.release(held, status, now, error);
    else await releaseRunRow(await this.direct(), runId, status, now, error);
    const event: NewEvent = { type: 'run_status', status };
    if (error) event.message = error.message;
    await this.addEvent(runId, event);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const held = this.runs.get(runId);
    if (held) return { ...held.run };
    const row = await this.runRowOf(runId);
    return row ? toRun(row) : undefined;
  }

  /** A run's row from the database, its workflow found. */
  private async runRowOf(runId: string): Promise<Row | undefined> {
    return readRunRow(await this.direct(), runId);
  }

  /**
   * The run for reading only: the records this process holds, not copied
   * (the caller changes nothing in them, and sees what this process changes
   * in them later), else as `view` reads it.
   */
  async current(runId: string): Promise<RunView | undefined> {
    const held = this.runs.get(runId);
    return held ? sharedView(held) : this.view(runId);
  }

  async view(runId: string): Promise<RunView | undefined> {
    const held = this.runs.get(runId);
    if (held) return viewOf(held);
    const row = await this.runRowOf(runId);
    return row ? readView(this.db, toRun(row), row.steps as Row[] | null) : undefined;
  }

  /** The run a start with this `Idempotency-Key` made, if one did. */
  async runForKey(key: string): Promise<{ id: string; workflow_id: string } | undefined> {
    return readRunForKey(await this.direct(), key);
  }

  /** The newest runs first. */
  async listRuns(limit = 50): Promise<RunRecord[]> {
    const db = await this.direct();
    return readRuns(db, limit);
  }

  /** Changes a step; one this process holds is changed at once (the promise is a done one). */
  updateStep(runId: string, stepId: string, patch: StepPatch): Promise<void> {
    if (this.runs.patchStep(runId, stepId, patch) || this.runs.isAbandoned(runId)) return DONE;
    return this.updateStepRow(runId, stepId, patch);
  }

  /** Writes a step this process does not hold; a patch that sets nothing waits for no flush. */
  private async updateStepRow(runId: string, stepId: string, patch: StepPatch): Promise<void> {
    const update = stepUpdate(runId, stepId, patch);
    if (update.sets.length > 0) await writeStepUpdate(await this.direct(), update);
  }

  async requestApproval(
    runId: string,
    stepId: string,
    why: { rule_id?: string; reason?: string },
  ) {
    if (this.runs.isAbandoned(runId)) return;
    const db = await this.direct();
    const approval = await requestApprovalRow(db, runId, stepId, why, this.now());
    this.runs.get(runId)?.approvals.set(stepId, approval);
  }

  /** Decides a pending approval; undefined when it was not pending. */
  async decideApproval(
    runId: string,
    stepId: string,
    decision: { status: ApprovalStatus; note?: string; by?: string },
  ): Promise<ApprovalRecord | undefined> {
    if (this.runs.isAbandoned(runId)) return undefined;
    const db = await this.direct();
    const approval = await decideApprovalRow(db, runId, stepId, decision, this.now());
    if (approval) this.runs.get(runId)?.approvals.set(stepId, approval);
    return approval;
  }

  async getApproval(runId: string, stepId: string): Promise<ApprovalRecord | undefined> {
    const held = this.runs.get(runId)?.approvals.get(stepId);
    if (held) return { ...held };
    return readApproval(await this.direct(), runId, stepId);
  }

  /** Adds to the run's timeline (queued with the other writes when there is a journal). */
  addEvent(runId: string, event: NewEvent): Promise<void> {
    if (this.runs.isAbandoned(runId)) return DONE;
    const row = eventRow(this.now(), event);
    if (this.journal) {
      this.journal.addEvent(runId, row);
      return DONE;
    }
    return insertEventRows(this.db, runId, [row]);
  }

  async timeline(runId: string): Promise<TimelineEvent[]> {
    const db = await this.direct();
    return readTimeline(db, runId);
  }
}
