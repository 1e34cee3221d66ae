/**
 * How marketplace answers leave: HTML with strict security headers (no
 * inline script, nothing from another origin unless the reader asks for a
 * remote image), compressed when the browser accepts it.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { RegistryContext } from '../state.js';
import type { Asset } from './assets.js';
import type { SafeHtml } from './html.js';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Remote images load only after a click on "Load image" (README consent).
  "img-src 'self' data: https: http:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(ctx: RegistryContext): void {
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  // Not no-referrer: with it, browsers send `Origin: null` on our own form posts.
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
}

const MIN_COMPRESS = 1024;

/** Sends a page or fragment; `private, no-cache` since what it shows depends on the token. */
export function sendHtml(ctx: RegistryContext, markup: SafeHtml, status = 200): void {
  securityHeaders(ctx);
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.vary('Accept-Encoding');
  const body = Buffer.from(markup.value, 'utf8');
  const encoding = body.length >= MIN_COMPRESS ? ctx.acceptsEncodings('br', 'gzip', 'identity')
    : 'identity';
  if (encoding === 'br') {
    ctx.set('Content-Encoding', 'br');
    ctx.body = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  } else if (encoding === 'gzip') {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = gzipSync(body, { level: 6 });
  } else {
    ctx.body = body;
  }
}

/** Sends a digest-named asset, cached for a year. */
export function sendAsset(ctx: RegistryContext, asset: Asset): void {
  securityHeaders(ctx);
  ctx.type = asset.type;
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  ctx.set('ETag', `"${asset.name}"`);
  ctx.vary('Accept-Encoding');
  if (ctx.get('If-None-Match') === `"${asset.name}"`) {
    ctx.status = 304;
    return;
  }
  const encoding = ctx.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding === 'br') {
    ctx.set('Content-Encoding', 'br');
    ctx.body = asset.brotli;
  } else if (encoding === 'gzip') {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = asset.gzip;
  } else {
    ctx.body = asset.body;
  }
}
