/**
 * Security headers on every answer. A page that sets its own
 * Content-Security-Policy (the marketplace) keeps it; every other answer
 * is data and gets a policy that allows nothing to run.
 */
import type Koa from 'koa';

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

export function securityHeaders(options: { tls: boolean }): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (options.tls) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
    if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', API_CSP);
  };
}
