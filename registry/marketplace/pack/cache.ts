/**
 * A small cache of loaded pack details, keyed by tarball digest (a stored
 * tarball never changes), bounded by entries and bytes, least recently used
 * first out. Entries expire so a key change shows within `ttlMs`.
 */
import type { Clock } from '../../clock.js';
import type { PackDetails } from './details.js';

export interface CacheLimits {
  entries: number;
  bytes: number;
  ttlMs: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = {
  entries: 128,
  bytes: 64 * 1024 * 1024,
  ttlMs: 5 * 60 * 1000,
};

interface Entry {
  details: Promise<PackDetails>;
  size: number;
  loadedAt: number;
}

export class DetailsCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS,
  ) {}

  /** The details for `key`, loading them once even when asked for twice at a time. */
  async get(key: string, load: () => Promise<PackDetails>): Promise<PackDetails> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit && now - hit.loadedAt < this.limits.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.details;
    }
    if (hit) this.drop(key);

    const entry: Entry = { details: load(), size: 0, loadedAt: now };
    this.entries.set(key, entry);
    try {
      const details = await entry.details;
      entry.size = details.size;
      this.bytes += details.size;
      this.evict();
      return details;
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.size;
    this.entries.delete(key);
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) return;
      if (this.entries.size === 1) return;
      this.drop(key);
    }
  }
}
