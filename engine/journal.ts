/**
 * Group commit for the engine's writes. Run rows, step rows and timeline
 * events (one row per run and write) are collected in memory and written
 * together, in one transaction of three statements, however many runs they belong to. A row written
 * twice before a flush is written once, as it last was.
 *
 * Nothing is acknowledged before it is durable: the store flushes before
 * every read and every direct write, and the engine flushes before it
 * answers a caller or hands a job to a worker outside the process. What a
 * crash can lose is only work nobody has seen, which a resumed run redoes
 * under the same idempotency keys.
 */
import type { Database } from '../storage/database.js';

export type JournalRow = Record<string, unknown>;

/** How long a write waits for company before it is flushed on its own. */
const FLUSH_DELAY_MS = 4;

const RUN_COLUMNS = [
  'id', 'workflow_id', 'tenant_id', 'status', 'input', 'error', 'snapshot_hash', 'workflow',
  'active_ms', 'resumed_at', 'created_at', 'started_at', 'updated_at', 'finished_at',
  'cancel_requested', 'lease_owner', 'lease_until',
];
// What a later write of a run may change; `cancel_requested` is set by other processes.
const RUN_MUTABLE = [
  'status', 'error', 'active_ms', 'resumed_at', 'started_at', 'updated_at', 'finished_at',
  'lease_owner', 'lease_until',
];
const STEP_COLUMNS = [
  'run_id', 'step_id', 'position', 'type', 'status', 'skipped', 'input', 'output', 'error',
  'decision', 'job', 'attempts', 'started_at', 'finished_at', 'parent_id', 'item_index',
  'wake_at',
];
const STEP_MUTABLE = STEP_COLUMNS.slice(4);
const TIMELINE_COLUMNS = ['run_id', 'events'];

/** `INSERT ... SELECT` from a JSON array of rows (each row's columns by name). */
function insertFrom(table: string, columns: string[], notNullJson: string[] = []): string {
  const picked = columns.map((c) => (notNullJson.includes(c) ? `COALESCE(${c}, 'null')` : c));
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${picked.join(', ')} ` +
    `FROM json_populate_recordset(NULL::${table}, $1::json)`
  );
}

function upsert(table: string, columns: string[], key: string[], mutable: string[],
  notNullJson: string[] = []) {
  const sets = mutable.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return `${insertFrom(table, columns, notNullJson)} ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${sets}`;
}

// A run's `input` may be JSON null, which the row's NOT NULL jsonb column keeps as 'null'.
const UPSERT_RUNS = upsert('engine_runs', RUN_COLUMNS, ['id'], RUN_MUTABLE, ['input', 'workflow']);
const UPSERT_STEPS = upsert('engine_steps', STEP_COLUMNS, ['run_id', 'step_id'], STEP_MUTABLE);
const INSERT_TIMELINE = insertFrom('engine_timeline', TIMELINE_COLUMNS);

interface Batch<R> {
  /** Run rows are made when written: a run changed many times is copied once. */
  runs: Map<string, R>;
  steps: Map<string, JournalRow>;
  /** Each run's new timeline events, in order: one row per run and write. */
  events: Map<string, JournalRow[]>;
}

function emptyBatch<R>(): Batch<R> {
  return { runs: new Map(), steps: new Map(), events: new Map() };
}

function size<R>(b: Batch<R>): number {
  return b.runs.size + b.steps.size + b.events.size;
}

/** `R` is what a run is queued as; `runRow` makes its row when the batch is written. */
export class Journal<R extends { readonly run: { readonly id: string } }> {
  private batch = emptyBatch<R>();
  /** The write in progress, if any. */
  private writing: Promise<void> | undefined;
  /** The next write, once someone waits for it. */
  private next: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly runRow: (run: R) => JournalRow,
  ) {}

  /** A run, written as it is when the batch goes (the latest state wins). */
  putRun(run: R): void {
    this.batch.runs.set(run.run.id, run);
    this.soon();
  }

  /**
   * A step's whole row (the latest state wins). The object is written as it
   * is, so it must not change after it is queued: queue a new one instead.
   */
  putStep(row: JournalRow & { run_id: string; step_id: string }): void {
    this.batch.steps.set(`${row.run_id}\u0000${row.step_id}`, row);
    this.soon();
  }

  /** A timeline event of a run (no `run_id` in `event`). */
  addEvent(runId: string, event: JournalRow): void {
    const list = this.batch.events.get(runId);
    if (list) list.push(event);
    else this.batch.events.set(runId, [event]);
    this.soon();
  }

  private get empty(): boolean {
    return size(this.batch) === 0;
  }

  /**
   * Resolves once everything written so far is committed. Callers that come
   * while a write is in progress share the next one: that is the batching.
   */
  flush(): Promise<void> {
    if (this.next) return this.next;
    if (this.empty) return this.writing ?? Promise.resolve();
    const after = this.writing ?? Promise.resolve();
    const next = after
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.write();
      });
    this.next = next;
    this.writing = next;
    const settled = () => {
      if (this.writing === next) this.writing = undefined;
    };
    void next.then(settled, settled);
    return next;
  }

  /** Flushes a moment after the first write, so rows never wait long for a reader. */
  private soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed background flush keeps its rows; the next flush reports the error.
      this.flush().catch(() => undefined);
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const batch = this.batch;
    this.batch = emptyBatch();
    if (size(batch) === 0) return;
    const runs = JSON.stringify([...batch.runs.values()].map(this.runRow));
    const steps = JSON.stringify([...batch.steps.values()]);
    const timeline = [...batch.events].map(([run_id, events]) => ({ run_id, events }));
    try {
      await this.db.transaction(async (tx) => {
        if (batch.runs.size > 0) await tx.query(UPSERT_RUNS, [runs]);
        if (batch.steps.size > 0) await tx.query(UPSERT_STEPS, [steps]);
        if (timeline.length > 0) await tx.query(INSERT_TIMELINE, [JSON.stringify(timeline)]);
      });
    } catch (err) {
      this.restore(batch);
      throw err;
    }
  }

  /** Puts a failed batch back under what was written since, to be retried. */
  private restore(failed: Batch<R>): void {
    const now = this.batch;
    for (const [k, v] of now.runs) failed.runs.set(k, v);
    for (const [k, v] of now.steps) failed.steps.set(k, v);
    for (const [runId, events] of now.events) {
      failed.events.set(runId, [...(failed.events.get(runId) ?? []), ...events]);
    }
    this.batch = failed;
  }
}
