/**
 * Group commit for the engine's writes. Run rows, step rows and timeline
 * events are collected in memory per run and written together, many runs
 * in one statement (three data-modifying parts, so one round trip and one
 * implicit transaction). A row written twice before a flush is written
 * once, as it last was.
 *
 * A run's rows go out when that run asks (`flush(runId)`: before the engine
 * answers for it or hands its job to a worker outside the process), when
 * anyone asks for everything (`flush()`: before every read and every direct
 * write), or when they have waited a while. So a write carries runs at a
 * point where they had to be durable, not halfway, and a run is seldom
 * written twice. A write starts as soon as enough runs wait for one, while
 * the engine goes on with the others, so the database and the engine work
 * at the same time; the next waits for the one before (rows stay in order).
 *
 * Nothing is acknowledged before it is durable. What a crash can lose is
 * only work nobody has seen, which a resumed run redoes under the same
 * idempotency keys.
 */
import type { Database } from '../storage/database.js';
import { EngineError } from './errors.js';
import { copyLine, JOURNAL_WRITE, refusesItsRows, RUN_COLUMNS } from './journal_sql.js';
import {
  newWrite, type HashedWorkflow, type JournalOptions, type JournalRow, type JournalRun,
  type Queued, type TimelineEntry, type Write,
} from './journal_types.js';

export { JOURNAL_WRITE } from './journal_sql.js';
export type {
  HashedWorkflow, JournalOptions, JournalRow, JournalRun, TimelineEntry,
} from './journal_types.js';

/**
 * Runs waiting for a write that start one at once on PostgreSQL (fewer wait
 * for the engine to pause), so the server works while the engine goes on.
 * PGlite runs in this thread, so there it only ever waits for the pause.
 */
const EAGER_RUNS = 64;

/** How long rows no flush asked for wait, by default, before they are written anyway. */
const IDLE_WRITE_MS = 20;

/** `R` is what a run is queued as; `runRow` makes its row when the batch is written. */
export class Journal<R extends JournalRun> {
  private queued = new Map<string, Queued<R>>();
  /** Runs whose rows go in the next write. */
  private due = new Set<string>();
  /** The write in progress, if any. */
  private current: Write | undefined;
  /** The next write, once someone waits for it. */
  private next: Write | undefined;
  /** Whether a start is already set for when the engine pauses. */
  private soon = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly eager: number;
  private readonly idleWriteMs: number;
  private readonly lane: number;
  private readonly finished: (run: R) => boolean;
  private readonly inlineStep: (step: JournalRow, runRow: JournalRow) => JournalRow;
  private readonly workflowOf: (run: R) => HashedWorkflow | undefined;
  private readonly storedWorkflows: Set<string>;
  private readonly lapsed: (runId: string) => boolean;
  /** Runs whose first write failed: it may have stored their rows before its answer was lost. */
  private readonly maybeStored = new WeakSet<R>();
  /**
   * Runs dropped because their rows cannot be made into text, with why: a
   * flush of one of them fails (its rows are lost), until it is discarded.
   */
  private readonly unwritable = new Map<string, unknown>();

  constructor(
    private readonly db: Database,
    private readonly runRow: (run: R) => JournalRow,
    options: JournalOptions<R> = {},
  ) {
    this.eager = db.kind === 'postgres' ? EAGER_RUNS : Number.POSITIVE_INFINITY;
    this.idleWriteMs = options.idleWriteMs ?? IDLE_WRITE_MS;
    this.lane = options.lane ?? 0;
    this.finished = options.finished ?? (() => false);
    this.inlineStep = options.inlineStep ?? ((step) => step);
    this.workflowOf = options.workflowOf ?? (() => undefined);
    this.storedWorkflows = options.storedWorkflows ?? new Set();
    this.lapsed = options.lapsed ?? (() => false);
  }

  private entry(runId: string): Queued<R> {
    let q = this.queued.get(runId);
    if (!q) {
      q = { steps: new Map(), events: [], since: performance.now() };
      this.queued.set(runId, q);
      this.idleTimer();
    }
    return q;
  }

  /** A run, written as it is when the batch goes (the latest state wins). */
  putRun(run: R): void {
    this.entry(run.run.id).run = run;
  }

  /**
   * A step's whole row (the latest state wins). It is turned into text when
   * its write leaves, so a row changed in place after it was queued is
   * written as it then is; queue it again after each change.
   */
  putStep(row: JournalRow & { run_id: string; step_id: string }): void {
    this.entry(row.run_id).steps.set(row.step_id, row);
  }

  /** A timeline event of a run (no `run_id` in `event`). */
  addEvent(runId: string, event: TimelineEntry): void {
    this.entry(runId).events.push(event);
  }

  /** Drops what was queued for `runId` and not yet sent (a run this process gave up). */
  discard(runId: string): void {
    this.queued.delete(runId);
    this.due.delete(runId);
    this.unwritable.delete(runId);
  }

  /**
   * Resolves once what was queued for `runId` (for every run, without one)
   * is committed. Callers that come while a write is in progress share the
   * next one: that is the batching.
   */
  flush(runId?: string): Promise<void> {
    if (runId === undefined) return this.flushing();
    const lost = this.unwritable.get(runId);
    if (lost !== undefined) return Promise.reject(lost);
    // A run the database refused is dropped from a write that stores the others.
    return this.flushing(runId).then(() => {
      const dropped = this.unwritable.get(runId);
      if (dropped !== undefined) throw dropped;
      // Held back (see `start`): its rows are not durable, and may never be.
      if (this.lapsed(runId)) {
        throw new EngineError('lease_lost', `run ${runId}: this process's lease on it ran ` +
          'out before its changes were written; another process may have taken it over');
      }
    });
  }

  private flushing(runId?: string): Promise<void> {
    if (runId === undefined) for (const id of this.queued.keys()) this.due.add(id);
    else if (this.queued.has(runId)) this.due.add(runId);
    const current = this.current?.done;
    if (this.due.size === 0) return current ?? Promise.resolve();
    const next = (this.next ??= newWrite()).done;
    if (!this.current) {
      // Enough company now, or whoever else comes before the engine pauses.
      if (this.due.size >= this.eager) this.start();
      else if (!this.soon) {
        this.soon = true;
        setImmediate(() => {
          this.soon = false;
          if (!this.current && this.due.size > 0) this.start();
        });
      }
    }
    // Rows of this run may be in the write in progress as well as in the next.
    return current ? Promise.all([current, next]).then(() => undefined) : next;
  }

  /** Writes the due runs' rows; when it ends, the next write starts if one is waiting. */
  private start(): void {
    const write = this.next ?? newWrite();
    this.next = undefined;
    const taken = new Map<string, Queued<R>>();
    for (const id of this.due) {
      // A run whose lease ran out here stays queued until a renewal says whose it is.
      if (this.lapsed(id)) continue;
      const q = this.queued.get(id);
      if (q) taken.set(id, q);
      this.queued.delete(id);
    }
    this.due.clear();
    this.current = write;
    const ended = () => {
      this.current = undefined;
      // The next write leaves before this one's waiters go on, so it overlaps their work.
      if (this.due.size > 0) this.start();
    };
    this.write(taken).then(
      () => {
        ended();
        write.resolve();
      },
      (err: unknown) => {
        ended();
        write.reject(err);
      },
    );
  }

  /**
   * Writes `taken` in one statement. A batch the database refuses for what
   * its rows hold is written again run by run, so a run refused on its own
   * is dropped (its flushes fail with the refusal) and the others are
   * stored: one bad row cannot fail every later write. Any other failure
   * (a lost connection, a deadlock, a full disk) keeps every row to retry.
   */
  private async write(taken: Map<string, Queued<R>>): Promise<void> {
    try {
      await this.sendBatch(taken);
      return;
    } catch (err) {
      if (!refusesItsRows(err)) {
        this.restore(taken);
        throw err;
      }
      if (taken.size === 1) {
        for (const id of taken.keys()) this.unwritable.set(id, err);
        return;
      }
    }
    const left = new Map(taken);
    for (const [id, q] of taken) {
      try {
        await this.sendBatch(new Map([[id, q]]));
      } catch (err) {
        if (!refusesItsRows(err)) {
          this.restore(left);
          throw err;
        }
        this.unwritable.set(id, err);
      }
      left.delete(id);
    }
  }

  /** Sends `taken` as one write; runs it stores are marked stored. */
  private async sendBatch(taken: Map<string, Queued<R>>): Promise<void> {
    const inserted: R[] = [];
    const workflows = new Map<string, unknown>();
    let sent: Promise<unknown>;
    try {
      sent = this.send(taken, inserted, workflows);
    } catch (err) {
      // Nothing was sent: a run whose rows cannot be made into text stays out.
      this.dropUnwritable(taken, err);
      throw err;
    }
    try {
      await sent;
    } catch (err) {
      // The write may have committed all the same (its answer was lost): these runs'
      // steps may have rows now, so their next write must update those, not skip them.
      // A refusal commits nothing.
      if (!refusesItsRows(err)) for (const run of inserted) this.maybeStored.add(run);
      throw err;
    }
    // Before the next write leaves: its events for these runs become timeline rows.
    for (const run of inserted) run.stored = true;
    for (const hash of workflows.keys()) this.storedWorkflows.add(hash);
  }

  /**
   * Sends the rows; `inserted` gets the runs whose first write this is, and
   * `workflows` the definitions this write stores.
   */
  private send(
    taken: Map<string, Queued<R>>,
    inserted: R[],
    workflows: Map<string, unknown>,
  ): Promise<unknown> {
    // First writes go through COPY (a retried one may find its row there: it is updated).
    let fresh = '';
    const runs: JournalRow[] = [];
    const steps: JournalRow[] = [];
    const timeline: JournalRow[] = [];
    for (const [run_id, q] of taken) {
      const run = q.run;
      const first = run !== undefined && !run.stored;
      // A first write has every step of the run queued (it made them all).
      const again = first && this.maybeStored.has(run);
      const whole = first && !again && this.finished(run);
      if (run) {
        const row = this.runRow(run);
        if (first) {
          row.events = q.events;
          inserted.push(run);
          const named = this.workflowOf(run);
          if (named && !this.storedWorkflows.has(named.hash)) {
            workflows.set(named.hash, named.workflow);
          }
        }
        if (whole) row.steps = Array.from(q.steps.values(), (s) => this.inlineStep(s, row));
        if (first && !again) fresh += copyLine(row);
        else runs.push(row);
      }
      if (!whole) for (const row of q.steps.values()) steps.push(row);
      if (!first && q.events.length > 0) timeline.push({ run_id, events: q.events });
    }
    const named = [...workflows].map(([hash, workflow]) => ({ hash, workflow }));
    const writer = this.db.writer(this.lane);
    const rest = runs.length + steps.length + timeline.length + named.length > 0;
    const then = rest ? { sql: JOURNAL_WRITE, params: [JSON.stringify(runs),
      JSON.stringify(steps), JSON.stringify(timeline), JSON.stringify(named)] } : undefined;
    if (fresh !== '') {
      return writer.load({ table: 'engine_runs', columns: RUN_COLUMNS, text: fresh }, then);
    }
    return then ? writer.query(then.sql, then.params) : Promise.resolve();
  }

  /**
   * Takes out of a failed batch the runs whose rows cannot be made into JSON
   * text (nested too deep for JSON.stringify, say): that fails the same way
   * on every retry, so put back they would fail every later write with them,
   * and every `flush()` before a read. The rest are retried as usual.
   */
  private dropUnwritable(taken: Map<string, Queued<R>>, err: unknown): void {
    for (const [id, q] of taken) {
      if (this.writable(q)) continue;
      taken.delete(id);
      this.unwritable.set(id, err);
    }
  }

  /** Whether everything queued of one run turns into JSON text. */
  private writable(q: Queued<R>): boolean {
    try {
      if (q.run) JSON.stringify([this.runRow(q.run), this.workflowOf(q.run)?.workflow]);
      JSON.stringify([...q.steps.values(), ...q.events]);
      return true;
    } catch {
      return false;
    }
  }

  /** Rows nobody flushed are written once they have waited `idleWriteMs`. */
  private idleTimer(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const old = performance.now() - this.idleWriteMs;
      for (const [id, q] of this.queued) if (q.since <= old) this.due.add(id);
      // A failed idle write keeps its rows; the next flush reports the error.
      if (this.due.size > 0) this.flush().catch(() => undefined);
      if (this.queued.size > 0) this.idleTimer();
    }, this.idleWriteMs);
    this.timer.unref();
  }

  /** Puts a failed write's rows back under what was queued since, to be retried. */
  private restore(failed: Map<string, Queued<R>>): void {
    for (const [id, q] of failed) {
      const now = this.queued.get(id);
      if (now) {
        q.run = now.run ?? q.run;
        for (const [k, v] of now.steps) q.steps.set(k, v);
        q.events.push(...now.events);
      }
      this.queued.set(id, q);
    }
    this.idleTimer();
  }
}
