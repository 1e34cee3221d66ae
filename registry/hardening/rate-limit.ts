/**
 * Per-address and per-token rate limits as token buckets in this
 * process's memory. A request past a limit is refused with 429
 * `rate_limited` and `Retry-After` (seconds until one request is allowed
 * again). Tokens are counted by a hash of their secret, so the limit holds
 * before any database lookup and no secret is kept in memory.
 */
import { createHash } from 'node:crypto';
import type Koa from 'koa';
import { RegistryError } from '../errors.js';
import type { RateLimit } from './options.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept at most; the stalest are dropped first. */
const MAX_BUCKETS = 50_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** `now` is a monotonic clock in ms: the wall clock may jump. */
  constructor(private readonly limit: RateLimit, private readonly now = () => performance.now()) {}

  /** Takes one request for `key`: 0 when allowed, else seconds to wait. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const refilled = (now - bucket.at) / 1000 * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refilled);
    bucket.at = now;
    // Re-insert, so the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
  }
}

function tokenKey(header: string): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? createHash('sha256').update(match[1]!).digest('base64url') : undefined;
}

function refuse(ctx: Koa.Context, wait: number, what: string): never {
  ctx.set('Retry-After', String(wait));
  throw new RegistryError('rate_limited', `too many requests from this ${what}; ` +
    `retry in ${wait} s`, { details: { retry_after: wait } });
}

export function rateLimit(options: { address: RateLimit | null; token: RateLimit | null }):
Koa.Middleware {
  const byAddress = options.address ? new TokenBuckets(options.address) : undefined;
  const byToken = options.token ? new TokenBuckets(options.token) : undefined;
  return async (ctx, next) => {
    const address = ctx.req.socket.remoteAddress ?? 'unknown';
    const waitAddress = byAddress?.take(address) ?? 0;
    if (waitAddress > 0) refuse(ctx, waitAddress, 'address');
    const token = byToken ? tokenKey(ctx.get('Authorization')) : undefined;
    const waitToken = token ? byToken!.take(token) : 0;
    if (waitToken > 0) refuse(ctx, waitToken, 'token');
    await next();
  };
}
