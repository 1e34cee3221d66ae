/**
 * Download counts added in batches: a tarball answer only bumps a number in
 * memory, and one statement per downloaded version is written at most
 * every FLUSH_MS (and when the registry closes). A write per download
 * would cost more than the download itself. A crash loses at most
 * FLUSH_MS of counts, which only order "most installed".
 */
import type { Queryable } from '../../storage/database.js';
import { recordDownload } from '../marketplace/store/downloads.js';

export const FLUSH_MS = 1000;

export class DownloadCounts {
  private pending = new Map<string, { packId: string; version: string; n: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Queryable) {}

  /** Counts one download; written within FLUSH_MS. */
  add(packId: string, version: string): void {
    const key = `${packId}@${version}`;
    const entry = this.pending.get(key);
    if (entry) entry.n += 1;
    else this.pending.set(key, { packId, version, n: 1 });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      // Counting never keeps a process alive: `flush` at close writes the rest.
      this.timer.unref();
    }
  }

  /** Writes what is counted so far; never throws (counts are a nicety). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      for (const { packId, version, n } of batch) {
        await recordDownload(this.db, packId, version, n).catch(() => undefined);
      }
    });
    return this.flushing;
  }
}

const counters = new WeakMap<Queryable, DownloadCounts>();

/** The one counter of `db` in this process. */
export function downloadCountsOf(db: Queryable): DownloadCounts {
  let c = counters.get(db);
  if (!c) counters.set(db, (c = new DownloadCounts(db)));
  return c;
}
