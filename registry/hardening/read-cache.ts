/**
 * A cache of rendered read answers (pack listings, versions, resolves,
 * keys, the catalog), per caller and URL, valid for one generation of the
 * data: the transparency log's size (every publish, yank, deprecation and
 * key change appends to it) and a counter every write request bumps (a
 * dist-tag, a role). Both are read again at most every 100 ms, and at once
 * after a write here, so several processes on one database agree within
 * that time. A change made outside any request and outside the log (a
 * script editing tables) is not seen until the next write.
 */
import type Koa from 'koa';
import type { Queryable } from '../../storage/database.js';
import type { RegistryState } from '../state.js';
import { tagJson } from './etag.js';

interface Entry {
  generation: string;
  status: number;
  type: string;
  etag: string;
  body: string;
}

/** Answers kept at most; the least recently used go first. */
const MAX_ENTRIES = 2000;
/** Answers larger than this are not kept. */
const MAX_BODY = 256 * 1024;

export class ReadCache {
  private readonly entries = new Map<string, Entry>();

  get(key: string, generation: string): Entry | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.generation !== generation) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * The log's size as last read, re-read at most every GENERATION_TTL_MS, or
 * at once after a write request of this process. So another process's
 * change shows here within GENERATION_TTL_MS, and this process's own at once.
 */
class Generation {
  private size = -1;
  private checkedAt = 0;
  // Writes of this process, logged or not (a dist-tag, a role): any of them
  // makes every cached answer of this process stale at once.
  private writes = 0;

  constructor(private readonly db: Queryable) {}

  private counter = 0;
  // One query at a time: under load, every request past the TTL would ask at once.
  private pending: Promise<void> | undefined;

  async current(): Promise<string> {
    if (this.size < 0 || performance.now() - this.checkedAt > GENERATION_TTL_MS) {
      this.pending ??= this.read().finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
    return `${this.writes}:${this.size}:${this.counter}`;
  }

  private async read(): Promise<void> {
    const asked = performance.now();
    const { rows } = await this.db.query<{ size: number; n: number }>(
      `SELECT (SELECT size FROM registry_tlog_head WHERE id = 1) AS size,
              (SELECT n FROM registry_read_generation WHERE id = 1) AS n`);
    this.size = Number(rows[0]?.size ?? 0);
    this.counter = Number(rows[0]?.n ?? 0);
    this.checkedAt = asked;
  }

  /** The bump last started or queued, and the one not started yet that callers share. */
  private lastBump: Promise<void> = Promise.resolve();
  private queuedBump: Promise<void> | undefined;

  /**
   * After a write here: stale at once in this process (the write count is
   * part of the generation), within the TTL in the others, through the
   * shared counter. Writes that come while a bump is in flight share the
   * next one, which starts after their call, so each is counted after it
   * happened and concurrent writes cost one statement, not one each.
   */
  changed(): Promise<void> {
    this.writes += 1;
    if (!this.queuedBump) {
      const bump = this.lastBump.then(() => {
        this.queuedBump = undefined;
        return this.db.query('UPDATE registry_read_generation SET n = n + 1 WHERE id = 1')
          .then(() => undefined, () => undefined);
      });
      this.queuedBump = bump;
      this.lastBump = bump;
    }
    return this.queuedBump;
  }
}

export const GENERATION_TTL_MS = 100;

// One generation per database object, shared by every cached route of the process.
const generations = new WeakMap<Queryable, Generation>();

function generationOf(db: Queryable): Generation {
  let g = generations.get(db);
  if (!g) generations.set(db, (g = new Generation(db)));
  return g;
}

/** The data's generation as this process sees it (see `Generation`), for other caches. */
export function currentGeneration(db: Queryable): Promise<string> {
  return generationOf(db).current();
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** App middleware: after any write request, cached answers are checked again. */
export function invalidateOnWrite(db: Queryable): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      if (WRITES.has(ctx.method)) await generationOf(db).changed();
    }
  };
}

/** Route middleware, after the auth middleware: serves or stores the route's JSON answer. */
export function cachedRead(db: Queryable, cache: ReadCache): Koa.Middleware<RegistryState> {
  return async (ctx, next) => {
    const generation = await generationOf(db).current();
    const key = `${ctx.state.actor?.tokenId ?? '-'} ${ctx.url}`;
    const hit = cache.get(key, generation);
    if (hit) {
      ctx.status = hit.status;
      ctx.type = hit.type;
      ctx.set('ETag', hit.etag);
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = hit.body;
      return;
    }
    await next();
    if (ctx.status !== 200 || ctx.body === null || typeof ctx.body !== 'object' ||
      Buffer.isBuffer(ctx.body)) return;
    const { text, etag } = tagJson(ctx);
    if (text.length <= MAX_BODY) {
      cache.set(key, { generation, status: 200, type: ctx.response.get('Content-Type'), etag,
        body: text });
    }
  };
}

/**
 * A value loaded once per generation and key (a version record for a
 * tarball download), from a bounded map the caller keeps.
 */
export async function loadOncePerGeneration<T>(db: Queryable, memo: Map<string, [string, T]>,
  key: string, load: () => Promise<T>): Promise<T> {
  const generation = await generationOf(db).current();
  const hit = memo.get(key);
  if (hit && hit[0] === generation) return hit[1];
  const value = await load();
  memo.set(key, [generation, value]);
  if (memo.size > MAX_ENTRIES) memo.delete(memo.keys().next().value!);
  return value;
}
