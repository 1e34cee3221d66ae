/**
 * Several journals side by side, each on its own connection, a run always
 * in the same one (by its id), so one run's rows stay in order while the
 * writes of different runs overlap on the server. One lane on PGlite, whose
 * statements all run in this thread anyway.
 */
import type { Database } from '../storage/database.js';
import {
  Journal, type JournalOptions, type JournalRow, type JournalRun, type TimelineEntry,
} from './journal.js';

/** Lanes on PostgreSQL: two writes in flight keep the engine from waiting on one. */
export const POSTGRES_LANES = 2;

export class JournalLanes<R extends JournalRun> {
  private readonly lanes: Journal<R>[];

  constructor(db: Database, runRow: (run: R) => JournalRow, options: JournalOptions<R> = {}) {
    const count = db.kind === 'postgres' ? POSTGRES_LANES : 1;
    const storedWorkflows = options.storedWorkflows ?? new Set<string>();
    this.lanes = Array.from({ length: count }, (_, lane) =>
      new Journal(db, runRow, { ...options, lane, storedWorkflows }));
  }

  private of(runId: string): Journal<R> {
    if (this.lanes.length === 1) return this.lanes[0]!;
    // Run ids are UUIDs: their last characters are random enough to spread them.
    let h = 0;
    for (let i = Math.max(0, runId.length - 4); i < runId.length; i++) {
      h = (h * 31 + runId.charCodeAt(i)) | 0;
    }
    return this.lanes[Math.abs(h) % this.lanes.length]!;
  }

  putRun(run: R): void {
    this.of(run.run.id).putRun(run);
  }

  putStep(row: JournalRow & { run_id: string; step_id: string }): void {
    this.of(row.run_id).putStep(row);
  }

  addEvent(runId: string, event: TimelineEntry): void {
    this.of(runId).addEvent(runId, event);
  }

  /** Drops what was queued for `runId` and not yet sent. */
  discard(runId: string): void {
    this.of(runId).discard(runId);
  }

  /** What was queued for `runId` (for every run, without one) is committed. */
  flush(runId?: string): Promise<void> {
    if (runId !== undefined) return this.of(runId).flush(runId);
    if (this.lanes.length === 1) return this.lanes[0]!.flush();
    return Promise.all(this.lanes.map((l) => l.flush())).then(() => undefined);
  }
}
