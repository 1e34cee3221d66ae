/**
 * ETags on metadata: a JSON answer to GET is hashed, tagged, and answered
 * with 304 when the client already holds that tag (`If-None-Match`).
 * Answers that set their own tag (tarballs, tagged by digest) are compared
 * the same way. Metadata may change, so caches must revalidate it.
 */
import { createHash } from 'node:crypto';
import type Koa from 'koa';

function isJsonBody(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body) &&
    typeof (body as { pipe?: unknown }).pipe !== 'function';
}

/** Serialises a JSON body once, tags it, and answers the text and tag. */
export function tagJson(ctx: Koa.Context): { text: string; etag: string } {
  const text = JSON.stringify(ctx.body);
  const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;
  ctx.set('ETag', etag);
  if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-cache');
  // Koa would otherwise serialise the object again when sending.
  ctx.body = text;
  return { text, etag };
}

/**
 * Whether `If-None-Match` names the answer's tag (weak comparison, `*`
 * matching any). Koa's `ctx.fresh` is a cache's rule and says no whenever
 * the request carries `Cache-Control: no-cache`, which Node's `fetch` adds
 * to every conditional request; the origin server answers the condition.
 */
export function notModified(ifNoneMatch: string, etag: string): boolean {
  if (!ifNoneMatch || !etag) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const want = opaque(etag);
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === want);
}

export function etags(): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200) return;
    if (!ctx.response.get('ETag') && isJsonBody(ctx.body)) tagJson(ctx);
    if (notModified(ctx.get('If-None-Match'), ctx.response.get('ETag'))) ctx.status = 304;
  };
}
