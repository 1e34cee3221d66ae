/**
 * A cache of rendered read answers (pack listings, versions, resolves,
 * keys, the catalog), per caller and URL, valid for one generation of the
 * data: the transparency log's size. Every change a cached answer can show
 * (publish, yank, deprecate, key change) appends to the log in its own
 * transaction, so a cached answer is reused only while the log is the
 * size it was when the answer was made; one cheap query per request checks
 * that, which also keeps several processes on one database in step. A
 * change that alters what a caller may see without a log entry (a role,
 * a private pack's tenant) must bump the log or leave its route uncached.
 */
import type Koa from 'koa';
import type { Queryable } from '../../storage/database.js';
import type { RegistryState } from '../state.js';
import { logSize } from '../tlog/store.js';
import { tagJson } from './etag.js';

interface Entry {
  generation: number;
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

  get(key: string, generation: number): Entry | undefined {
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

/** Route middleware, after the auth middleware: serves or stores the route's JSON answer. */
export function cachedRead(db: Queryable, cache: ReadCache): Koa.Middleware<RegistryState> {
  return async (ctx, next) => {
    const generation = await logSize(db);
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
