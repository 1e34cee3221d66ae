/**
 * The shapes the journal (journal.ts) works with: what a run queues between
 * writes, what a write promises its waiters, and what callers hand it.
 */

export type JournalRow = Record<string, unknown>;

export interface JournalOptions<R = unknown> {
  /**
   * Whether a run has finished: one that has by its first write keeps its
   * steps in its own row, since nothing looks for them in the steps table
   * but a reader of the whole run.
   */
  finished?: (run: R) => boolean;
  /** How a finished run's step is kept in the run's own row (as it is, by default). */
  inlineStep?: (step: JournalRow, runRow: JournalRow) => JournalRow;
  /** The workflow a run names by hash; its first write stores it unless it is known. */
  workflowOf?: (run: R) => HashedWorkflow | undefined;
  /**
   * Hashes of workflows known to be stored, shared by the journals of one
   * database: a write carries a workflow until one that did has committed.
   */
  storedWorkflows?: Set<string>;
  /** How long rows no flush asked for wait before they are written anyway. */
  idleWriteMs?: number;
  /** Which of the database's writer connections this journal writes on. */
  lane?: number;
  /**
   * Whether this process's lease on a run has run out by its own clock (it
   * paused): the run's rows are held back, as another process may own it.
   */
  lapsed?: (runId: string) => boolean;
}

/** What one run has queued since its last write. */
export interface Queued<R> {
  /** Run rows are made when written: a run changed many times is copied once. */
  run?: R;
  steps: Map<string, JournalRow>;
  /** The run's new timeline events, in order: one timeline row per write. */
  events: TimelineEntry[];
  /** When the first of these was queued (performance.now()). */
  since: number;
}

export interface Write {
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export function newWrite(): Write {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // A write nobody waits for (an idle one) must not be an unhandled rejection.
  done.catch(() => undefined);
  return { done, resolve, reject };
}

/**
 * What a run is queued as: `stored` says whether its row is in the database
 * yet (its first write carries its events in that row).
 */
export interface JournalRun {
  readonly run: { readonly id: string };
  stored: boolean;
}

/** A timeline event as the journal writes it (the store decides its form). */
export type TimelineEntry = JournalRow | unknown[];

/** A workflow definition as runs name it: by the hash of its canonical JSON. */
export interface HashedWorkflow {
  hash: string;
  workflow: unknown;
}
