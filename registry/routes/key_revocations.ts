/**
 * Revoking a publisher key: `DELETE /v1/keys/:keyId` removes a key no
 * version was signed with, and otherwise records it as revoked (the
 * versions it signed keep verifying). `GET /v1/keys/:keyId/revocation`
 * tells which; `DELETE /v1/keys/:keyId/revocation` trusts it again.
 */
import { actingPublisher, actorFrom, requireRead, requireScope } from '../auth.js';
import { RegistryError } from '../errors.js';
import type { RegistryDeps } from '../deps.js';
import type { RegistryContext } from '../state.js';
import { findKey } from '../store/keys.js';
import { isoTime } from '../store/rows.js';
import { keyEntry } from '../tlog/entries.js';
import { appendLogEntry } from '../tlog/store.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';

async function keyFrom(deps: RegistryDeps, ctx: RegistryContext) {
  const keyId = param(ctx, 'keyId');
  const key = await findKey(deps.db, keyId);
  if (!key) throw new RegistryError('key_not_found', `no key ${keyId} in this registry`);
  return key;
}

async function revocation(deps: RegistryDeps, keyId: string) {
  const { rows } = await deps.db.query<{ revoked_at: unknown }>(
    'SELECT revoked_at FROM registry_key_revocations WHERE key_id = $1',
    [keyId],
  );
  const at = rows[0] ? isoTime(rows[0].revoked_at) : null;
  return { key_id: keyId, revoked: at !== null, revoked_at: at };
}

export const keyRevocationRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/keys/:keyId/revocation', requireRead(deps), async (ctx) => {
    const key = await keyFrom(deps, ctx);
    ctx.body = await revocation(deps, key.key_id);
  });

  router.delete('/v1/keys/:keyId', requireScope(deps, 'keys'), async (ctx) => {
    const key = await keyFrom(deps, ctx);
    // Revoking or restoring a key's trust is an owner's call, as adding one is.
    actingPublisher(actorFrom(ctx), key.publisher, 'owner');
    const removed = await deps.db.transaction(async (tx) => {
      const used = await tx.query('SELECT 1 FROM registry_versions WHERE key_id = $1 LIMIT 1', [
        key.key_id,
      ]);
      const logged = { keyId: key.key_id, publisher: key.publisher };
      if (used.rows.length === 0) {
        await tx.query('DELETE FROM registry_key_revocations WHERE key_id = $1', [key.key_id]);
        await tx.query('DELETE FROM registry_keys WHERE key_id = $1', [key.key_id]);
        await appendLogEntry(tx, keyEntry('key_remove', logged, deps.clock.now()));
        return true;
      }
      await tx.query(
        `INSERT INTO registry_key_revocations (key_id, revoked_at) VALUES ($1, $2)
         ON CONFLICT (key_id) DO NOTHING`,
        [key.key_id, deps.clock.now()],
      );
      await appendLogEntry(tx, keyEntry('key_revoke', logged, deps.clock.now()));
      return false;
    });
    deps.log.info(removed ? 'key removed' : 'key revoked', {
      request_id: ctx.state.requestId,
      key_id: key.key_id,
    });
    ctx.body = { key_id: key.key_id, removed, revoked: !removed };
  });

  router.delete('/v1/keys/:keyId/revocation', requireScope(deps, 'keys'), async (ctx) => {
    const key = await keyFrom(deps, ctx);
    // Revoking or restoring a key's trust is an owner's call, as adding one is.
    actingPublisher(actorFrom(ctx), key.publisher, 'owner');
    await deps.db.transaction(async (tx) => {
      await tx.query('DELETE FROM registry_key_revocations WHERE key_id = $1', [key.key_id]);
      await appendLogEntry(
        tx,
        keyEntry('key_restore', { keyId: key.key_id, publisher: key.publisher }, deps.clock.now()),
      );
    });
    ctx.body = await revocation(deps, key.key_id);
  });
};
