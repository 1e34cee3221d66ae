/**
 * Runs, steps, approvals and timelines in the database (PostgreSQL or
 * PGlite, the same SQL). A run this process holds is kept in memory and its
 * changes are group-committed through the journal; everything else is read
 * and written directly, after the journal is flushed, so a reader never
 * sees older state than was acknowledged and a run that waits for approval
 * survives the process and resumes in another.
 */
import type { Database, Queryable } from '../storage/database.js';
import { migrate } from '../storage/migrate.js';
import { ENGINE_MIGRATIONS } from './migrations.js';
import type {
  ApprovalRecord,
  ApprovalStatus,
  RunRecord,
  RunView,
  Status,
  StepRecord,
  TimelineEvent,
} from './records.js';
import { isTerminal } from './records.js';
import {
  eventRow, inlineStep, json, stepUpdate, toApproval, toRun, type Row,
} from './store_rows.js';
import type { StepError } from './errors.js';
import { JournalLanes } from './journal_lanes.js';
import {
  childRecord,
  namedWorkflow,
  newHeldRun,
  othersMayChange,
  patchInPlace,
  releaseHeld,
  runRow,
  sharedView,
  stepRow,
  viewOf,
  type HeldRun,
} from './store_cache.js';
import { readRuns, readTimeline, readView } from './store_reads.js';
import type { NewEvent, NewRun, StepPatch } from './store_types.js';
import {
  CLAIM_RUN,
  DECIDE_APPROVAL,
  DUE_RUNS,
  INSERT_CHILD,
  RELEASE_RUN,
  RENEW_LEASE,
  REQUEST_APPROVAL,
  RUN_ROW,
  WAKE_TIMERS,
} from './store_sql.js';


export type { NewEvent, NewRun, StepPatch } from './store_types.js';

/**
 * What a change made in memory answers: a promise already done, shared, so
 * that the many changes of a run held here allocate none.
 */
export const DONE: Promise<void> = Promise.resolve();

/** How long a claim on a run lasts unless its process renews it. */
export const DEFAULT_LEASE_MS = 30_000;

/** The real time, as a `Date` (the engine's default clock). */
export const systemClock = (): Date => new Date();

/** Opens the engine's tables, creating or upgrading them first. */
export async function openEngineStore(db: Database, clock: () => Date = systemClock) {
  await migrate(db, 'engine', ENGINE_MIGRATIONS);
  const finished = (held: HeldRun) => isTerminal(held.run.status);
  const journal = new JournalLanes(db, runRow, {
    finished,
    workflowOf: namedWorkflow,
    inlineStep: (step, row) => inlineStep(step, row.snapshot_hash),
  });
  return new EngineStore(db, clock, db, journal);
}

/** A lease: who holds a run, for how long unrenewed. */
export interface Lease {
  owner: string;
  ms: number;
}

export class EngineStore {
  /** Runs this process holds (see store_cache.ts); only the root store has them. */
  private readonly held = new Map<string, HeldRun>();
  /** Runs whose lease this process lost while advancing them (until `forget`). */
  private readonly abandoned = new Set<string>();
  /**
   * Runs a cancel was asked of here, held or not: an approval may be taking
   * the run into this process meanwhile, from a row read before the flag.
   */
  private readonly cancels = new Set<string>();

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
  ) {}

  /** Resolves once every write so far (of `runId` only, given one) is committed. */
  async flush(runId?: string): Promise<void> {
    await this.journal?.flush(runId);
  }

  /** The connection, once what the journal holds is written (direct writes stay in order). */
  private async direct(): Promise<Queryable> {
    await this.flush();
    return this.db;
  }

  /** Drops a run from memory (its rows stay queued until written). */
  forget(runId: string): void {
    this.held.delete(runId);
    this.abandoned.delete(runId);
    this.cancels.delete(runId);
  }

  /**
   * Gives up a run whose lease another process has taken: what was queued
   * for it and not yet sent is dropped, and the changes its steps still
   * make here are not written, so nothing this process does any more lands
   * on the new owner's run. The new owner redoes what was lost (under the
   * same idempotency keys).
   */
  abandon(runId: string): void {
    this.held.delete(runId);
    this.abandoned.add(runId);
    this.journal?.discard(runId);
  }

  private keepRun = (held: HeldRun) => this.journal!.putRun(held);
  private keepStep = (step: StepRecord) => this.journal!.putStep(stepRow(step));

  /** The clock's time as ISO text; one text a millisecond, as runs read it many times each. */
  now(): string {
    return this.now_.at(this.clock === systemClock ? Date.now() : this.clock().getTime());
  }

  /** The end of a lease of `ms` taken at `now` (one text a millisecond, as `now`). */
  private leaseEnd(now: string, ms: number): string {
    return this.leaseEnd_.at(Date.parse(now) + ms);
  }

  private readonly now_ = new IsoText();
  private readonly leaseEnd_ = new IsoText();

  /**
   * Runs `fn` in one transaction holding the run's row lock. Approving a
   * step and settling a run's status both go through here, so a step
   * approved while another process advances the run is never lost.
   */
  async atomically<T>(runId: string, fn: (tx: EngineStore) => Promise<T>): Promise<T> {
    await this.flush();
    // Inside, the database is the truth: this process stops answering for the run.
    this.forget(runId);
    return this.inTransaction(async (q) => {
      await q.query('SELECT id FROM engine_runs WHERE id = $1 FOR UPDATE', [runId]);
      return fn(new EngineStore(q, this.clock));
    });
  }

  /**
   * For settling a run: `fn` against memory when this process holds the run
   * and no step waits for someone else (nobody else may change it then),
   * else under the row lock as `atomically`.
   */
  async settling<T>(runId: string, fn: (store: EngineStore) => Promise<T>): Promise<T> {
    const held = this.held.get(runId);
    // A run given up (`abandon`) is settled by its new owner: `fn` here writes nothing.
    if ((held && !othersMayChange(held)) || this.abandoned.has(runId)) return fn(this);
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
    const until = lease && { owner: lease.owner, until: this.leaseEnd(now, lease.ms) };
    const held = newHeldRun(run, steps, now, until);
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
    const now = this.now();
    // A `running` run whose lease ran out belongs to a dead process: take it over.
    const result = await db.query<Row>(
      CLAIM_RUN,
      [runId, now, from, lease.owner, this.leaseEnd(now, lease.ms)],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const takenOver = row.was === 'running';
    if (takenOver) {
      // Steps the dead process had in flight start again, keeping their attempt number.
      await db.query(
        `UPDATE engine_steps SET status = 'pending' WHERE run_id = $1 AND status = 'running'`,
        [runId],
      );
    }
    const run = toRun(row);
    if (this.journal) await this.hold(run, row);
    await this.addEvent(runId, {
      type: takenOver ? 'run_taken_over' : 'run_status',
      status: 'running',
      details: { owner: lease.owner },
    });
    return run;
  }

  /** Holds in memory a run this process claimed inside a transaction. */
  async adopt(runId: string): Promise<void> {
    const row = await this.runRowOf(runId);
    if (row && this.journal) await this.hold(toRun(row), row);
  }

  /** Loads a run this process has just claimed into memory. */
  private async hold(run: RunRecord, row: Row): Promise<void> {
    const view = await readView(this.db, run);
    const held: HeldRun = {
      run,
      stored: true,
      steps: new Map(view.steps.map((s) => [s.step_id, s])),
      approvals: new Map(view.approvals.map((a) => [a.step_id, a])),
    };
    if (row.resumed_at) held.resumedAt = new Date(String(row.resumed_at)).toISOString();
    if (row.lease_owner) held.leaseOwner = String(row.lease_owner);
    if (row.lease_until) held.leaseUntil = new Date(String(row.lease_until)).toISOString();
    this.held.set(run.id, held);
  }

  /** Renews the lease; answers whether cancel was asked, or undefined if the lease is lost. */
  async renewLease(runId: string, owner: string, ms: number): Promise<boolean | undefined> {
    const db = await this.direct();
    const until = this.leaseEnd(this.now(), ms);
    const result = await db.query<Row>(
      RENEW_LEASE,
      [runId, owner, until],
    );
    const held = this.held.get(runId);
    if (held && result.rows[0]) held.leaseUntil = until;
    return result.rows[0] ? result.rows[0].cancel_requested === true : undefined;
  }

  /** Whether a cancel was asked of a run this process holds (as far as it has heard). */
  cancelRequested(runId: string): boolean {
    return this.cancels.has(runId) || this.held.get(runId)?.run.cancel_requested === true;
  }

  async requestCancel(runId: string): Promise<void> {
    const db = await this.direct();
    await db.query('UPDATE engine_runs SET cancel_requested = true WHERE id = $1', [runId]);
    this.cancels.add(runId);
    const held = this.held.get(runId);
    if (held) held.run.cancel_requested = true;
  }

  /**
   * Runs another process should pick up: pending ones, running ones whose
   * lease ran out, and waiting ones with a timer due. With `pendingMs`, a
   * pending run is due once it has waited that long (a queue has it till then).
   */
  async dueRuns(limit: number, pendingMs = 0): Promise<string[]> {
    const now = this.now();
    const pendingBefore = new Date(Date.parse(now) - pendingMs).toISOString();
    const result = await (await this.direct()).query<Row>(DUE_RUNS, [now, limit, pendingBefore]);
    return result.rows.map((r) => String(r.id));
  }

  /** Wakes the waiting steps of a run whose timers are due (they go back to `pending`). */
  async wakeTimers(runId: string): Promise<void> {
    const db = await this.direct();
    this.forget(runId);
    await db.query(
      WAKE_TIMERS,
      [runId, this.now()],
    );
  }

  /** Records the children of a `for_each` step once; a resumed run keeps those it has. */
  async addChildren(
    runId: string,
    parent: { step_id: string; position: number; type: string },
    count: number,
  ): Promise<void> {
    if (this.abandoned.has(runId)) return;
    const held = this.held.get(runId);
    for (let i = 0; i < count; i++) {
      const child = childRecord(runId, parent, i);
      if (held) {
        if (held.steps.has(child.step_id)) continue;
        held.steps.set(child.step_id, child);
        this.keepStep(child);
        continue;
      }
      const db = await this.direct();
      await db.query(
        INSERT_CHILD,
        [runId, child.step_id, child.position, child.type, parent.step_id, i],
      );
    }
  }

  /** Leaves `running` for `status`, adding the time spent to `active_ms`. */
  async releaseRun(runId: string, status: Status, error?: StepError): Promise<void> {
    if (this.abandoned.has(runId)) return;
    const now = this.now();
    const held = this.held.get(runId);
    if (held) {
      releaseHeld(held, status, now, error);
      this.keepRun(held);
    } else {
      const db = await this.direct();
      await db.query(
        RELEASE_RUN,
        [runId, status, error === undefined ? null : json(error), now, isTerminal(status)],
      );
    }
    const event: NewEvent = { type: 'run_status', status };
    if (error) event.message = error.message;
    await this.addEvent(runId, event);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const held = this.held.get(runId);
    if (held) return { ...held.run };
    const row = await this.runRowOf(runId);
    return row ? toRun(row) : undefined;
  }

  /** A run's row from the database, its workflow found. */
  private async runRowOf(runId: string): Promise<Row | undefined> {
    const db = await this.direct();
    const sql = `SELECT ${RUN_ROW} FROM engine_runs WHERE id = $1`;
    return (await db.query<Row>(sql, [runId])).rows[0];
  }

  /**
   * The run for reading only: the records this process holds, not copied
   * (the caller changes nothing in them, and sees what this process changes
   * in them later), else as `view` reads it.
   */
  async current(runId: string): Promise<RunView | undefined> {
    const held = this.held.get(runId);
    return held ? sharedView(held) : this.view(runId);
  }

  async view(runId: string): Promise<RunView | undefined> {
    const held = this.held.get(runId);
    if (held) return viewOf(held);
    const row = await this.runRowOf(runId);
    return row ? readView(this.db, toRun(row), row.steps as Row[] | null) : undefined;
  }

  /** The run a start with this `Idempotency-Key` made, if one did. */
  async runForKey(key: string): Promise<{ id: string; workflow_id: string } | undefined> {
    const db = await this.direct();
    const { rows } = await db.query<{ id: string; workflow_id: string }>(
      'SELECT id, workflow_id FROM engine_runs WHERE idempotency_key = $1', [key]);
    return rows[0];
  }

  /** The newest runs first. */
  async listRuns(limit = 50): Promise<RunRecord[]> {
    const db = await this.direct();
    return readRuns(db, limit);
  }

  /** Changes a step; one this process holds is changed at once (the promise is a done one). */
  updateStep(runId: string, stepId: string, patch: StepPatch): Promise<void> {
    const step = this.held.get(runId)?.steps.get(stepId);
    if (step) {
      this.keepStep(patchInPlace<StepRecord>(step, patch as Partial<StepRecord>));
      return DONE;
    }
    if (this.abandoned.has(runId)) return DONE;
    return this.updateStepRow(runId, stepId, patch);
  }

  private async updateStepRow(runId: string, stepId: string, patch: StepPatch): Promise<void> {
    const { sets, params } = stepUpdate(runId, stepId, patch);
    if (sets.length === 0) return;
    const db = await this.direct();
    await db.query(
      `UPDATE engine_steps SET ${sets.join(', ')} WHERE run_id = $1 AND step_id = $2`,
      params,
    );
  }

  async requestApproval(runId: string, stepId: string, why: { rule_id?: string; reason?: string }) {
    if (this.abandoned.has(runId)) return;
    const db = await this.direct();
    const result = await db.query<Row>(
      REQUEST_APPROVAL,
      [runId, stepId, why.rule_id ?? null, why.reason ?? null, this.now()],
    );
    this.held.get(runId)?.approvals.set(stepId, toApproval(result.rows[0]!));
  }

  /** Decides a pending approval; undefined when it was not pending. */
  async decideApproval(
    runId: string,
    stepId: string,
    decision: { status: ApprovalStatus; note?: string; by?: string },
  ): Promise<ApprovalRecord | undefined> {
    if (this.abandoned.has(runId)) return undefined;
    const db = await this.direct();
    const result = await db.query<Row>(
      DECIDE_APPROVAL,
      [runId, stepId, decision.status, decision.note ?? null, decision.by ?? null, this.now()],
    );
    const approval = result.rows[0] ? toApproval(result.rows[0]) : undefined;
    if (approval) this.held.get(runId)?.approvals.set(stepId, approval);
    return approval;
  }

  async getApproval(runId: string, stepId: string): Promise<ApprovalRecord | undefined> {
    const held = this.held.get(runId)?.approvals.get(stepId);
    if (held) return { ...held };
    const sql = 'SELECT * FROM engine_approvals WHERE run_id = $1 AND step_id = $2';
    const result = await (await this.direct()).query<Row>(sql, [runId, stepId]);
    return result.rows[0] ? toApproval(result.rows[0]) : undefined;
  }

  /** Adds to the run's timeline (queued with the other writes when there is a journal). */
  addEvent(runId: string, event: NewEvent): Promise<void> {
    if (this.abandoned.has(runId)) return DONE;
    const row = eventRow(this.now(), event);
    if (this.journal) {
      this.journal.addEvent(runId, row);
      return DONE;
    }
    const sql = 'INSERT INTO engine_timeline (run_id, events) VALUES ($1, $2::json)';
    return this.db.query(sql, [runId, json([row])]).then(() => undefined);
  }

  async timeline(runId: string): Promise<TimelineEvent[]> {
    const db = await this.direct();
    return readTimeline(db, runId);
  }
}

/** ISO text of a time in milliseconds, made once for each new value (times repeat a lot). */
class IsoText {
  private ms = Number.NaN;
  private text = '';

  at(ms: number): string {
    if (ms !== this.ms) {
      this.ms = ms;
      this.text = new Date(ms).toISOString();
    }
    return this.text;
  }
}
