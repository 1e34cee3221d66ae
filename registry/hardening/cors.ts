/**
 * CORS, off unless origins are listed: an answer names an allowed origin
 * only when the request came from it, and a preflight from any other
 * origin gets no CORS headers, so the browser refuses the call.
 */
import type Koa from 'koa';

const METHODS = 'GET, HEAD, POST, PUT, DELETE';
const HEADERS = 'Authorization, Content-Type, If-None-Match, X-Request-Id';
const EXPOSED = 'ETag, Retry-After, X-Request-Id';

export function cors(allowed: readonly string[]): Koa.Middleware {
  const origins = new Set(allowed.map((o) => o.replace(/\/+$/, '')));
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origins.size === 0 || !origin) return next();
    ctx.vary('Origin');
    if (!origins.has(origin)) return next();

    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Expose-Headers', EXPOSED);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      ctx.set('Access-Control-Allow-Methods', METHODS);
      ctx.set('Access-Control-Allow-Headers', HEADERS);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return undefined;
    }
    return next();
  };
}
