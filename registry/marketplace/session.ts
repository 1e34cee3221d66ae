/**
 * Who may read the marketplace. With `--anonymous-read` everybody; else a
 * registry token, sent as `Authorization: Bearer` (scripts) or held in an
 * HttpOnly cookie set by the sign-in form (browsers). The cookie's token is
 * checked by the registry's own `requireRead`, so there is one token check.
 * The token never goes in a URL: URLs end up in logs, history and referrers.
 */
import type Koa from 'koa';
import { requireRead } from '../auth.js';
import type { RegistryDeps } from '../deps.js';
import { isRegistryError, RegistryError } from '../errors.js';
import type { RegistryContext, RegistryState } from '../state.js';
import { isPageRefusal } from '../tenancy/guard.js';

export const TOKEN_COOKIE = 'cordum_token';
const COOKIE_MAX_AGE_S = 12 * 60 * 60;
const TOKEN_TEXT = /^[\x21-\x7e]{1,512}$/;

export function cookieOf(ctx: Koa.ParameterizedContext<RegistryState>, name: string) {
  for (const part of (ctx.get('Cookie') || '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function secureCookie(deps: RegistryDeps, ctx: RegistryContext): boolean {
  return ctx.secure || deps.baseUrl.startsWith('https:');
}

export function setTokenCookie(deps: RegistryDeps, ctx: RegistryContext, token: string): void {
  const secure = secureCookie(deps, ctx) ? '; Secure' : '';
  ctx.append('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; ` +
    `SameSite=Lax; Max-Age=${COOKIE_MAX_AGE_S}${secure}`);
}

export function clearTokenCookie(deps: RegistryDeps, ctx: RegistryContext): void {
  const secure = secureCookie(deps, ctx) ? '; Secure' : '';
  ctx.append('Set-Cookie', `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`);
}

/**
 * Runs the registry's read check with `token` (or the request's own
 * Authorization header when `token` is undefined). Resolves to the error
 * when the check refuses, so callers decide how to answer a browser.
 */
export async function checkRead(deps: RegistryDeps, ctx: RegistryContext,
  token: string | undefined): Promise<RegistryError | undefined> {
  if (token !== undefined) {
    if (!TOKEN_TEXT.test(token)) {
      return new RegistryError('token_invalid', 'a token is printable text without spaces');
    }
    // requireRead reads the header; lending it the token keeps one token check.
    ctx.req.headers.authorization = `Bearer ${token}`;
  }
  try {
    await requireRead(deps)(ctx, async () => undefined);
    return undefined;
  } catch (err) {
    if (isRegistryError(err)) return err;
    throw err;
  }
}

export interface Viewer {
  /** Signed in through the cookie (can sign out). */
  signedIn: boolean;
  /** Reading without any token (anonymous read). */
  anonymous: boolean;
  publisher?: string;
}

export function viewerOf(ctx: RegistryContext): Viewer {
  const actor = ctx.state.actor;
  const viewer: Viewer = { signedIn: actor !== undefined && cookieOf(ctx, TOKEN_COOKIE) !==
    undefined, anonymous: actor === undefined };
  if (actor) viewer.publisher = actor.publisher;
  return viewer;
}

/** Where sign-in may send the reader afterwards: a marketplace path only. */
export function safeNext(next: string | undefined): string {
  if (next && /^\/marketplace\/[^\\]*$/.test(next) && !next.startsWith('//')) return next;
  return '/marketplace/';
}

/**
 * Marketplace pages: let the reader through, or send a browser to the
 * sign-in page (a fragment request gets 401, the page script reloads).
 */
export function marketplaceRead(deps: RegistryDeps): Koa.Middleware<RegistryState> {
  return async (ctx, next) => {
    const c = ctx as RegistryContext;
    const header = ctx.get('Authorization');
    const cookie = header ? undefined : cookieOf(ctx, TOKEN_COOKIE);
    const refused = await checkRead(deps, c, cookie);
    // An unknown or private pack: the page says "not found" as for any missing pack.
    if (refused && isPageRefusal(refused)) c.state.refusal = refused;
    if (!refused || c.state.refusal) {
      await next();
      return;
    }
    if (refused.code === 'pack_not_found' || refused.code === 'version_not_found') throw refused;
    if (header) throw refused;
    if (cookie !== undefined) clearTokenCookie(deps, c);
    const login = `/marketplace/login?next=${encodeURIComponent(ctx.originalUrl)}` +
      (cookie !== undefined ? '&expired=1' : '');
    ctx.status = ctx.query.partial ? 401 : 303;
    ctx.set('Location', login);
    ctx.body = ctx.query.partial ? 'Sign in again.' : `Sign in at ${login}`;
  };
}

/**
 * Refuses a form post that another site made the browser send: its Origin
 * (or Sec-Fetch-Site) must be this site's.
 */
export function assertSameOrigin(ctx: RegistryContext): void {
  const origin = ctx.get('Origin');
  const site = ctx.get('Sec-Fetch-Site');
  // Not ctx.origin: in Koa 3 that is the request's Origin header itself.
  const own = `${ctx.protocol}://${ctx.host}`;
  if ((origin && origin !== own) || (site && site !== 'same-origin' && site !== 'none')) {
    throw new RegistryError('forbidden', 'cross-site form posts are refused');
  }
}
