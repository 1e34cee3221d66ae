/**
 * The admin check for the kernel's admin routes (rollback, CPU profile),
 * made inside each handler so it holds on any server that mounts them.
 * No configured token means no admin: the routes answer 403.
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpProblem, type RouteContext } from '../http/route.js';

export function isAdminToken(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function requireAdmin(ctx: RouteContext, token: string | undefined): void {
  if (!isAdminToken(ctx.req.headers.authorization, token)) {
    throw new HttpProblem(403, 'forbidden', `${ctx.url.pathname} needs the engine admin token`);
  }
}
