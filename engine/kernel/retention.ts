/**
 * Retention of recorded decisions (`engine_policy_decisions`): rows older
 * than the retention go, in small batches, at start and then about once an
 * hour. Each batch is its own statement, so a large backlog never holds one
 * long transaction, and rows another process is deleting at that moment are
 * skipped rather than waited for: engines sharing one database prune side
 * by side without blocking or deadlocking each other.
 */
import type { Queryable } from '../../storage/database.js';
import { describeFailure } from './errors.js';

const DAY_MS = 86_400_000;

/** How long recorded decisions are kept when nothing says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

/** The longest retention taken: beyond it the cutoff date would leave JavaScript's range. */
export const MAX_RETENTION_DAYS = 36_500;

export interface PruneOptions {
  /** Decisions recorded more than this many days ago go; 0 keeps every one. */
  retentionDays: number;
  clock?: () => Date;
  /** Rows deleted by one statement. */
  batchSize?: number;
  /** Statements in one prune at most; what is left goes at the next one. */
  maxBatches?: number;
  /** Asked between batches: true stops the prune there (the engine is shutting down). */
  stopping?: () => boolean;
  /** Told the rows each batch removed, so a prune that fails later still counts them. */
  onBatch?: (removed: number) => void;
}

// The subquery walks the decided_at index; SKIP LOCKED leaves rows a concurrent prune
// holds to that prune, where a plain IN would wait for it (or deadlock with it).
const DELETE_BATCH = `DELETE FROM engine_policy_decisions WHERE id IN (
  SELECT id FROM engine_policy_decisions WHERE decided_at < $1
   ORDER BY decided_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/**
 * Deletes the decisions recorded before the retention, batch after batch
 * until a batch removes fewer rows than it may; answers how many went.
 */
export async function pruneDecisions(db: Queryable, options: PruneOptions): Promise<number> {
  if (options.retentionDays === 0) return 0;
  const now = (options.clock ?? (() => new Date()))();
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS);
  const batchSize = options.batchSize ?? 5000;
  const maxBatches = options.maxBatches ?? 2000;

  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    if (options.stopping?.()) break;
    const { rowCount } = await db.query(DELETE_BATCH, [cutoff, batchSize]);
    removed += rowCount;
    options.onBatch?.(rowCount);
    if (rowCount < batchSize) break;
  }
  return removed;
}

export interface RetentionLog {
  (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): void;
}

export interface RetentionOptions extends Omit<PruneOptions, 'stopping' | 'onBatch'> {
  /** Time between prunes; an hour by default. */
  intervalMs?: number;
  log?: RetentionLog;
}

/**
 * Prunes recorded decisions at start and then every `intervalMs`. A prune
 * that fails (the database down) is logged and tried again at the next
 * tick; it never throws into the engine. The timer does not keep the
 * process alive, and `stop` ends a prune under way after its current batch
 * and waits for that batch, so the database is not closed under it.
 */
export class DecisionRetention {
  /** Rows removed by this process since it started. */
  pruned = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly db: Queryable, private readonly options: RetentionOptions) {}

  start(): void {
    if (this.options.retentionDays === 0) return;
    const interval = this.options.intervalMs ?? 3_600_000;
    const tick = () => {
      if (this.stopped) return;
      void this.pruneOnce().finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(tick, interval);
        this.timer.unref();
      });
    };
    tick();
  }

  /** One prune (or the one under way); answers how many rows it removed, 0 on a failure. */
  pruneOnce(): Promise<number> {
    this.running ??= this.prune().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running;
  }

  private async prune(): Promise<number> {
    const { log = () => undefined, retentionDays: days, clock, batchSize, maxBatches } =
      this.options;
    try {
      const removed = await pruneDecisions(this.db, { retentionDays: days, clock, batchSize,
        maxBatches, stopping: () => this.stopped, onBatch: (n) => (this.pruned += n) });
      if (removed > 0) log('info', 'recorded decisions pruned', { removed, retention_days: days });
      return removed;
    } catch (err) {
      const failure = describeFailure(err);
      log('warn', 'recorded decisions not pruned; trying again at the next prune', {
        retention_days: days, error: `${failure.code}: ${failure.message}` });
      return 0;
    }
  }
}
