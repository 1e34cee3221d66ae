/**
 * Publishers' members and roles (registry/tenancy):
 * `GET /v1/publishers/:publisher/members` (readers), `PUT|DELETE
 * /v1/publishers/:publisher/members/:subject` (`{ role }`, owners),
 * `POST /v1/publishers/:publisher/members/:subject/tokens` (`{ name,
 * scopes, expires_at? }`, owners: a token standing for that member, its
 * secret answered once) and `PUT /v1/packs/:id/visibility` (`{ private }`,
 * owners). An admin may do all of it for any publisher.
 */
import { actorFrom, requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { assertPublisher, ensurePublisher } from '../store/publishers.js';
import { createToken, type Scope } from '../store/tokens.js';
import { deleteMember, listMembers, membershipsOf, ownerCount, putMember }
  from '../tenancy/members.js';
import { assertRole, isRole, ROLES } from '../tenancy/roles.js';
import { findOwnership, maySee, setPackPrivate } from '../tenancy/visibility.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';
import { tokenName } from './tokens.js';
import { requestTime } from '../time.js';

const SUBJECT = /^[\w.@:+-]{1,200}$/;
const MEMBER_SCOPES: readonly Scope[] = ['read', 'publish', 'keys'];

function publisherOf(ctx: RegistryContext): string {
  const publisher = param(ctx, 'publisher');
  assertPublisher(publisher);
  return publisher;
}

function subjectOf(ctx: RegistryContext): string {
  const subject = param(ctx, 'subject');
  if (!SUBJECT.test(subject)) {
    throw new RegistryError('request_invalid', `member ${JSON.stringify(subject)} must match ${
      SUBJECT.source}`);
  }
  return subject;
}

function memberScopes(value: unknown): Scope[] {
  const ok = Array.isArray(value) && value.length > 0 &&
    value.every((s) => MEMBER_SCOPES.includes(s as Scope));
  if (!ok) {
    throw new RegistryError('request_invalid', `\`scopes\` must list some of ${
      MEMBER_SCOPES.join(', ')}`);
  }
  return [...new Set(value as Scope[])];
}

function expiryOf(value: unknown, now: Date): Date | undefined {
  const at = requestTime(value, 'expires_at');
  if (!at) return undefined;
  if (at.getTime() <= now.getTime()) {
    throw new RegistryError('request_invalid', '`expires_at` must be an RFC 3339 time to come');
  }
  return at;
}

/** A pack the caller may see; 404 as for an unknown id otherwise. */
export async function seenPack(deps: RegistryDeps, ctx: RegistryContext, id: string) {
  const pack = await findOwnership(deps.db, id);
  if (!pack || !maySee(ctx.state.actor, pack)) {
    throw new RegistryError('pack_not_found', `no pack ${JSON.stringify(id)} in this registry`);
  }
  return pack;
}

export const publisherRoutes: RouteGroup = (router, deps) => {
  memberRoutes(router, deps);
  tokenAndVisibilityRoutes(router, deps);
};

const memberRoutes: RouteGroup = (router, deps) => {
  const base = '/v1/publishers/:publisher/members';

  // Read as every other read route: any token (its role decides), not only a `read` one.
  router.get(base, requireRead(deps), async (ctx) => {
    const publisher = publisherOf(ctx);
    assertRole(actorFrom(ctx), publisher, 'reader');
    ctx.body = { publisher, members: await listMembers(deps.db, publisher) };
  });

  router.put(`${base}/:subject`, requireScope(deps, 'publish'), async (ctx) => {
    const publisher = publisherOf(ctx);
    const subject = subjectOf(ctx);
    assertRole(actorFrom(ctx), publisher, 'owner');
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['role']);
    if (!isRole(body.role)) {
      throw new RegistryError('request_invalid', `\`role\` must be one of ${ROLES.join(', ')}`);
    }
    const role = body.role;
    const now = deps.clock.now();
    await deps.db.transaction(async (tx) => {
      await ensurePublisher(tx, publisher, now);
      await putMember(tx, { publisher, subject, role }, now);
    });
    deps.log.info('member saved', { request_id: ctx.state.requestId, publisher, subject, role });
    ctx.body = { publisher, subject, role };
  });

  router.delete(`${base}/:subject`, requireScope(deps, 'publish'), async (ctx) => {
    const publisher = publisherOf(ctx);
    const subject = subjectOf(ctx);
    assertRole(actorFrom(ctx), publisher, 'owner');
    const members = await listMembers(deps.db, publisher);
    const member = members.find((m) => m.subject === subject);
    if (!member) throw new RegistryError('not_found', `${subject} is no member of ${publisher}`);
    if (member.role === 'owner' && (await ownerCount(deps.db, publisher)) === 1 &&
      !actorFrom(ctx).scopes.includes('admin')) {
      throw new RegistryError('request_invalid', `${subject} is the last owner of ${publisher}`);
    }
    await deleteMember(deps.db, publisher, subject);
    deps.log.info('member removed', { request_id: ctx.state.requestId, publisher, subject });
    ctx.status = 204;
  });

};

/** Member tokens and pack visibility, mounted by `publisherRoutes`. */
const tokenAndVisibilityRoutes: RouteGroup = (router, deps) => {
  const base = '/v1/publishers/:publisher/members';

  router.post(`${base}/:subject/tokens`, requireScope(deps, 'publish'), async (ctx) => {
    const publisher = publisherOf(ctx);
    const subject = subjectOf(ctx);
    assertRole(actorFrom(ctx), publisher, 'owner');
    // Only for a member of this publisher: the token stands for the subject here, nowhere else.
    if ((await membershipsOf(deps.db, subject))[publisher] === undefined) {
      throw new RegistryError('not_found', `${subject} is not a member of publisher ` +
        `${publisher}: add it first (PUT /v1/publishers/${publisher}/members/${subject})`);
    }
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes,
      ['name', 'scopes', 'expires_at']);
    const name = tokenName(body.name);
    const now = deps.clock.now();
    const expiresAt = expiryOf(body.expires_at, now);
    const made = await createToken(deps.db, { publisher, subject, label: name,
      scopes: memberScopes(body.scopes), ...(expiresAt ? { expiresAt } : {}) }, now);
    deps.log.info('member token created', { request_id: ctx.state.requestId, id: made.id,
      publisher, subject });
    ctx.status = 201;
    ctx.body = { id: made.id, publisher, subject, token: made.secret,
      expires_at: expiresAt ? expiresAt.toISOString() : null };
  });

  router.put('/v1/packs/:id/visibility', requireScope(deps, 'publish'), async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const pack = await seenPack(deps, ctx, id);
    assertRole(actorFrom(ctx), pack.publisher, 'owner');
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['private']);
    if (typeof body.private !== 'boolean') {
      throw new RegistryError('request_invalid', '`private` must be true or false');
    }
    await setPackPrivate(deps.db, id, body.private);
    deps.log.info('pack visibility set', { request_id: ctx.state.requestId, pack_id: id,
      private: body.private });
    ctx.body = { id, publisher: pack.publisher, private: body.private };
  });
};
