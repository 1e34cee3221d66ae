/**
 * Bearer-token authentication. Routes say what they need (`requireRead`,
 * `requireScope`); unknown routes need nothing, so they answer 404 whether
 * or not a token came with the request.
 */
import type Koa from 'koa';
import { RegistryError } from './errors.js';
import type { RegistryDeps } from './deps.js';
import type { RegistryState } from './state.js';
import { findToken, hasScope, type Actor, type Scope } from './store/tokens.js';
import { guardPack } from './tenancy/guard.js';
import { looksLikeJwt } from './oidc/verify.js';
import { membershipsOf } from './tenancy/members.js';
import { hasRole, roleIn, type Role } from './tenancy/roles.js';
import { findOwnership } from './tenancy/visibility.js';
import { authCachesOf, cachedToken } from './hardening/auth-cache.js';

type StateMiddleware = Koa.Middleware<RegistryState>;

function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new RegistryError('token_invalid', 'Authorization must be `Bearer <token>`');
  return match[1];
}

/** A subject's stored roles, through the per-generation cache (hardening/auth-cache). */
async function storedMemberships(deps: RegistryDeps, subject: string)
  : Promise<Record<string, Role>> {
  const roles = await authCachesOf(deps.db).memberships.get(deps.db, subject,
    () => membershipsOf(deps.db, subject));
  return { ...roles };
}

/** An SSO caller: the claims' memberships, joined by any stored for its subject. */
async function oidcActor(deps: RegistryDeps, jwt: string): Promise<Actor> {
  const actor = await deps.oidc!.actorOf(jwt);
  const stored = await storedMemberships(deps, actor.subject!);
  actor.memberships = { ...stored, ...actor.memberships };
  return actor;
}

async function actorOf(deps: RegistryDeps, secret: string): Promise<Actor> {
  if (deps.oidc && looksLikeJwt(secret)) return oidcActor(deps, secret);
  // Revocation acts at once here, within 100 ms elsewhere (hardening/auth-cache.ts).
  const token = await cachedToken(deps.db, secret, () => findToken(deps.db, secret));
  const now = deps.clock.now();
  if (!token) throw new RegistryError('token_invalid', 'the token is not known to this registry');
  if (token.revokedAt) throw new RegistryError('token_invalid', 'the token has been revoked');
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) {
    const when = token.expiresAt.toISOString();
    throw new RegistryError('token_invalid', `the token expired at ${when}`);
  }
  const actor: Actor = { tokenId: token.tokenId, publisher: token.publisher,
    scopes: [...token.scopes] };
  // Removing a member acts as fast as revoking a token (hardening/auth-cache.ts). A member
  // token stands for its subject in the publisher that minted it, and only there: the
  // subject's roles in other publishers are not the minting owner's to hand out.
  if (token.subject !== undefined) {
    actor.subject = token.subject;
    const role = (await storedMemberships(deps, token.subject))[token.publisher];
    actor.memberships = role ? { [token.publisher]: role } : {};
  }
  return actor;
}

async function authenticate(deps: RegistryDeps, ctx: Koa.ParameterizedContext<RegistryState>) {
  const secret = bearerOf(ctx.get('Authorization') || undefined);
  if (secret === undefined) return undefined;
  const actor = await actorOf(deps, secret);
  ctx.state.actor = actor;
  return actor;
}

/**
 * Reads need a valid token unless the server allows anonymous reads. Every
 * scope includes reading: `read` alone makes a read-only token. A route
 * naming a pack the caller may not see (private, registry/tenancy) answers
 * as for an unknown pack.
 */
export function requireRead(deps: RegistryDeps): StateMiddleware {
  return async (ctx, next) => {
    const actor = await authenticate(deps, ctx);
    if (!actor && !deps.anonymousRead) {
      throw new RegistryError(
        'unauthorized',
        'this registry needs a token to read: send `Authorization: Bearer <token>`',
      );
    }
    await guardPack(deps, ctx, (id) => authCachesOf(deps.db).ownership.get(deps.db, id,
      () => findOwnership(deps.db, id)));
    await next();
  };
}

/** Writes need a token holding `scope` (or `admin`). */
export function requireScope(deps: RegistryDeps, scope: Scope): StateMiddleware {
  return async (ctx, next) => {
    const actor = await authenticate(deps, ctx);
    if (!actor) {
      const why = `this action needs a token with the \`${scope}\` scope`;
      throw new RegistryError('unauthorized', why);
    }
    if (!hasScope(actor, scope)) {
      throw new RegistryError('forbidden', `the token has no \`${scope}\` scope`);
    }
    await next();
  };
}

/** The actor of a route behind `requireScope`. */
export function actorFrom(ctx: { state: RegistryState }): Actor {
  const actor = ctx.state.actor;
  if (!actor) throw new RegistryError('unauthorized', 'this action needs a token');
  return actor;
}

/**
 * The publisher an actor acts for: its own, or one it names where it holds
 * `least` (maintainer unless said; any for an admin).
 */
export function actingPublisher(actor: Actor, requested: string | undefined,
  least: Role = 'maintainer'): string {
  const publisher = requested ?? actor.publisher;
  if (publisher === actor.publisher && actor.subject === undefined) return publisher;
  if (hasScope(actor, 'admin') || hasRole(actor, publisher, least)) return publisher;
  // A member token in its own publisher, without the role (a reader, a removed member).
  if (publisher === actor.publisher) {
    throw new RegistryError('forbidden', `this needs the ${least} role in publisher ` +
      `${publisher}; ${actor.subject ?? 'the caller'} has ${
        roleIn(actor, publisher) ?? 'none'}`);
  }
  throw new RegistryError(
    'forbidden',
    `the token acts for publisher ${actor.publisher}, not ${publisher}; only an admin may`,
  );
}
