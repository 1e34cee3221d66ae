/**
 * What every authenticated or pack-naming read looked up in the database
 * (a token by its hash, a member's roles, a pack's owner and privacy),
 * kept per data generation (read-cache.ts) and for at most MAX_AGE_MS.
 *
 * So a revoked token, a removed member or a pack made private acts: at once
 * in the process that took the write; within GENERATION_TTL_MS (100 ms) in
 * other processes on the same database (each write request bumps a counter
 * there); within MAX_AGE_MS when someone edits the tables outside the
 * registry. An expiry is checked against the clock on every request by the
 * caller. Tokens are keyed by the SHA-256 of their secret: no secret is kept.
 */
import type { Queryable } from '../../storage/database.js';
import { hashToken, type TokenRecord } from '../store/tokens.js';
import type { Role } from '../tenancy/roles.js';
import type { PackOwnership } from '../tenancy/visibility.js';
import { currentGeneration } from './read-cache.js';

/** The longest an entry is trusted, whatever the generation says. */
export const MAX_AGE_MS = 5000;
/** Entries kept at most in each map; the least recently stored go first. */
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  generation: string;
  at: number;
  value: T;
}

/** One bounded map of values valid for a generation and MAX_AGE_MS. */
export class GenerationMemo<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The stored value for `key`, or `load()`'s (stored unless `keep` says no). */
  async get(db: Queryable, key: string, load: () => Promise<T>,
    keep: (value: T) => boolean = () => true): Promise<T> {
    const generation = await currentGeneration(db);
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.generation === generation && now - hit.at < MAX_AGE_MS) return hit.value;
    const value = await load();
    if (!keep(value)) return value;
    this.entries.delete(key);
    this.entries.set(key, { generation, at: now, value });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

/** The caches of one database's readers: tokens, memberships, pack ownership. */
export interface AuthCaches {
  tokens: GenerationMemo<TokenRecord | undefined>;
  memberships: GenerationMemo<Record<string, Role>>;
  ownership: GenerationMemo<PackOwnership | undefined>;
}

const caches = new WeakMap<Queryable, AuthCaches>();

/** The caches for `db`, shared by every route of the process that reads it. */
export function authCachesOf(db: Queryable): AuthCaches {
  let c = caches.get(db);
  if (!c) {
    c = { tokens: new GenerationMemo(), memberships: new GenerationMemo(),
      ownership: new GenerationMemo() };
    caches.set(db, c);
  }
  return c;
}

/**
 * A token looked up by its secret through the cache. An unknown secret is
 * not kept (guessing must not fill memory); it costs a query each time,
 * behind the per-address rate limit.
 */
export function cachedToken(db: Queryable, secret: string,
  load: () => Promise<TokenRecord | undefined>): Promise<TokenRecord | undefined> {
  return authCachesOf(db).tokens.get(db, hashToken(secret), load, (t) => t !== undefined);
}
