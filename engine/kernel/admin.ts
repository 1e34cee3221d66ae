/**
 * The admin check for the kernel's admin routes (rollback, CPU profile),
 * made inside each handler so it holds on any server that mounts them.
 * No configured token means no admin: the routes answer 403.
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpProblem, type RouteContext } from '../http/route.js';

export function isAdminToken(header: string | undefined, token: string | undefined): boolean {
  // The scheme is case-insensitive (RFC 9110), as the registry reads it.
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!token || !bearer) return false;
  const given = Buffer.from(bearer[1]!);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function requireAdmin(ctx: RouteContext, token: string | undefined): void {
  if (isAdminToken(ctx.req.headers.authorization, token)) return;
  const { pathname } = ctx.url;
  // Which of the two is wrong: the engine's setup or the caller's token.
  const why = !token
    ? 'this engine has none: start `cordum engine serve` with CORDUM_ENGINE_ADMIN_TOKEN set'
    : ctx.req.headers.authorization ? 'the token sent is not it'
      : 'send it with --token or CORDUM_ENGINE_ADMIN_TOKEN (Authorization: Bearer <token>)';
  throw new HttpProblem(403, 'forbidden', `${pathname} needs the engine admin token; ${why}`);
}
