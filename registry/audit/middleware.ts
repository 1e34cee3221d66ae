/**
 * Writes an audit record for every write (POST, PUT, PATCH, DELETE) and
 * every denied request (401, 403), once the answer is final. A record that
 * cannot be stored (the database is down) is logged instead; it never turns
 * the answer into an error.
 */
import type Koa from 'koa';
import type { Database } from '../../storage/database.js';
import type { Logger } from '../log.js';
import type { RegistryState } from '../state.js';
import { insertAudit, type AuditRecord, type AuditResult } from './store.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Names of the registry's own writes; other routes use `METHOD /pattern`. */
const ACTIONS: Record<string, string> = {
  'POST /v1/packs': 'pack.publish',
  'PUT /v1/packs/:id/versions/:version/yank': 'version.yank',
  'POST /v1/keys': 'key.add',
  'DELETE /v1/keys/:keyId': 'key.revoke',
  'DELETE /v1/keys/:keyId/revocation': 'key.restore',
  'POST /v1/tokens': 'token.create',
  'DELETE /v1/tokens/:id': 'token.revoke',
  'PUT /v1/deployments/:name': 'deployment.save',
  'DELETE /v1/deployments/:name': 'deployment.delete',
};

type Ctx = Koa.ParameterizedContext<RegistryState> & { _matchedRoute?: string | RegExp };

function resultOf(status: number): AuditResult {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'ok' : 'failed';
}

function targetOf(ctx: Ctx): string {
  const { packId, version, keyId } = ctx.state;
  if (packId) return version ? `${packId}@${version}` : packId;
  if (keyId) return keyId;
  const params = (ctx as { params?: Record<string, string> }).params ?? {};
  const named = params.keyId ?? params.name ?? params.id;
  return named ?? ctx.path;
}

function recordOf(ctx: Ctx, at: Date): AuditRecord {
  const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : ctx.path;
  const key = `${ctx.method} ${route}`;
  const body = ctx.body as { code?: unknown } | undefined;
  return {
    at: at.toISOString(),
    request_id: ctx.state.requestId,
    actor: ctx.state.actor?.tokenId ?? 'anonymous',
    publisher: ctx.state.actor?.publisher ?? null,
    action: ACTIONS[key] ?? key,
    target: targetOf(ctx),
    result: resultOf(ctx.status),
    status: ctx.status,
    code: ctx.status >= 400 && typeof body?.code === 'string' ? body.code : null,
    address: ctx.req.socket.remoteAddress ?? null,
    method: ctx.method,
    path: ctx.path,
  };
}

export function auditLog(deps: { db: Database; log: Logger; clock: { now(): Date } }):
Koa.Middleware<RegistryState> {
  return async (ctx, next) => {
    await next();
    const denied = ctx.status === 401 || ctx.status === 403;
    if (!WRITES.has(ctx.method) && !denied) return;
    const record = recordOf(ctx as Ctx, deps.clock.now());
    try {
      await insertAudit(deps.db, record);
    } catch (err) {
      deps.log.error('audit record not stored', { ...record,
        error: err instanceof Error ? err.message : String(err) });
    }
  };
}
