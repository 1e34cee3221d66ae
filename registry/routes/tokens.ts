/**
 * Registry tokens as objects: `POST /v1/tokens` (`{ name, scopes,
 * expires_at?, publisher? }`, admin only) answers the secret once;
 * `GET /v1/tokens/:id` shows a live token without it; `DELETE
 * /v1/tokens/:id` revokes it. Only the SHA-256 of a secret is stored.
 */
import { actingPublisher, actorFrom, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import { RegistryError } from '../errors.js';
import type { RegistryDeps } from '../deps.js';
import type { RegistryContext } from '../state.js';
import { isoTime, optionalTime } from '../store/rows.js';
import { requestTime } from '../time.js';
import {
  createToken,
  revokeToken,
  SCOPES,
  type Scope,
  type StoredToken,
} from '../store/tokens.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';

function view(row: StoredToken) {
  const expires = optionalTime(row.expires_at);
  return {
    id: row.id,
    name: row.label ?? '',
    publisher: row.publisher,
    scopes: Array.isArray(row.scopes) ? row.scopes : [],
    expires_at: expires ? expires.toISOString() : null,
    created_at: isoTime(row.created_at),
  };
}

async function liveToken(deps: RegistryDeps, ctx: RegistryContext) {
  const id = param(ctx, 'id');
  const { rows } = await deps.db.query<StoredToken>(
    `SELECT id, label, publisher, scopes, created_at, expires_at FROM registry_tokens
      WHERE id = $1 AND revoked_at IS NULL`,
    [id],
  );
  if (!rows[0]) throw new RegistryError('not_found', `no live token ${id} in this registry`);
  return rows[0];
}

function parseScopes(value: unknown): Scope[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RegistryError('request_invalid', `\`scopes\` must list some of ${SCOPES.join(', ')}`);
  }
  for (const s of value) {
    if (!SCOPES.includes(s as Scope)) {
      throw new RegistryError('request_invalid', `unknown scope ${JSON.stringify(s)}`);
    }
  }
  return [...new Set(value as Scope[])];
}

function parseExpiry(value: unknown, now: Date): Date | undefined {
  const at = requestTime(value, 'expires_at');
  if (!at) return undefined;
  if (at.getTime() <= now.getTime()) {
    throw new RegistryError('request_invalid', '`expires_at` is in the past');
  }
  return at;
}

/** A token's name is a label for people: listings and the audit log show it. */
const TOKEN_NAME_MAX = 200;

/** A new token's `name` (`POST /v1/tokens` and a member's token alike). */
export function tokenName(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > TOKEN_NAME_MAX) {
    throw new RegistryError('request_invalid',
      `\`name\` must be a non-empty string of at most ${TOKEN_NAME_MAX} characters`);
  }
  return value;
}

export const tokenRoutes: RouteGroup = (router, deps) => {
  router.post('/v1/tokens', requireScope(deps, 'admin'), async (ctx) => {
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes,
      ['name', 'scopes', 'expires_at', 'publisher']);
    const name = tokenName(body.name);
    const requested = typeof body.publisher === 'string' ? body.publisher : undefined;
    const publisher = actingPublisher(actorFrom(ctx), requested);
    const now = deps.clock.now();
    const expiresAt = parseExpiry(body.expires_at, now);
    const made = await createToken(
      deps.db,
      {
        publisher,
        scopes: parseScopes(body.scopes),
        label: name,
        ...(expiresAt ? { expiresAt } : {}),
      },
      now,
    );
    deps.log.info('token created', { request_id: ctx.state.requestId, id: made.id });
    // A fresh random secret never meets ON CONFLICT, so the row comes back.
    if (!made.row) throw new RegistryError('internal', `token ${made.id} was not stored`);
    ctx.status = 201;
    ctx.body = { ...view(made.row), token: made.secret };
  });

  router.get('/v1/tokens/:id', requireScope(deps, 'admin'), async (ctx) => {
    ctx.body = view(await liveToken(deps, ctx));
  });

  router.delete('/v1/tokens/:id', requireScope(deps, 'admin'), async (ctx) => {
    const row = await liveToken(deps, ctx);
    await revokeToken(deps.db, row.id, deps.clock.now());
    deps.log.info('token revoked', { request_id: ctx.state.requestId, id: row.id });
    ctx.status = 204;
  });
};
