/**
 * Publisher keys: `GET /v1/keys`, `POST /v1/keys` (`{ public_key,
 * publisher? }`), `GET /v1/keys/:keyId`, `POST /v1/keys/:keyId/rotate`. A
 * key verifies only packs of the publisher it is registered to.
 */
import { canonicalPublicPem, keyIdOf } from '../../packs/signing/keys.js';
import { actingPublisher, actorFrom, requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { findKey, insertKey, listKeys } from '../store/keys.js';
import { ensurePublisher } from '../store/publishers.js';
import { keyEntry } from '../tlog/entries.js';
import { appendLogEntry } from '../tlog/store.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';
import { cachedRead, ReadCache } from '../hardening/read-cache.js';

function stringField(body: Record<string, unknown>, name: string, required: boolean) {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new RegistryError('request_invalid', `\`${name}\` must be a non-empty string`);
  }
  return value;
}

export const keyRoutes: RouteGroup = (router, deps) => {
  // Answers reused while the log's size is unchanged (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get('/v1/keys', requireRead(deps), cached, async (ctx) => {
    ctx.body = { keys: await listKeys(deps.db) };
  });

  router.get('/v1/keys/:keyId', requireRead(deps), cached, async (ctx) => {
    const keyId = param(ctx, 'keyId');
    const key = await findKey(deps.db, keyId);
    if (!key) throw new RegistryError('key_not_found', `no key ${keyId} in this registry`);
    ctx.body = key;
  });

  router.post('/v1/keys', requireScope(deps, 'keys'), (ctx) => addKey(deps, ctx));

  // Rotation: the new key and the old one's revocation land together, two log entries.
  router.post('/v1/keys/:keyId/rotate', requireScope(deps, 'keys'), (ctx) => rotateKey(deps, ctx));
};

/** `POST /v1/keys`: trusts a public key for a publisher, logged as `key_add`. */
async function addKey(deps: RegistryDeps, ctx: RegistryContext): Promise<void> {
  const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes,
    ['public_key', 'publisher']);
  const pem = stringField(body, 'public_key', true)!;
  // Trusting a key for a publisher is an owner's call (tenancy/roles.ts).
  const publisher = actingPublisher(actorFrom(ctx), stringField(body, 'publisher', false),
    'owner');

  const publicPem = canonicalPublicPem(pem);
  const keyId = keyIdOf(publicPem);
  ctx.state.keyId = keyId;
  const now = deps.clock.now();
  const inserted = await deps.db.transaction(async (tx) => {
    await ensurePublisher(tx, publisher, now);
    if (!(await insertKey(tx, { keyId, publisher, publicPem }, now))) return false;
    await appendLogEntry(tx, keyEntry('key_add', { keyId, publisher }, now));
    return true;
  });
  if (!inserted) {
    const existing = await findKey(deps.db, keyId);
    throw new RegistryError('key_exists', `key ${keyId} is already registered`, {
      details: { key_id: keyId, publisher: existing?.publisher },
    });
  }

  deps.log.info('key registered', { request_id: ctx.state.requestId, key_id: keyId, publisher });
  ctx.status = 201;
  ctx.body = { key_id: keyId, publisher };
}

/** `POST /v1/keys/:keyId/rotate`: the new key and the old one's revocation, logged together. */
async function rotateKey(deps: RegistryDeps, ctx: RegistryContext): Promise<void> {
  const old = await findKey(deps.db, param(ctx, 'keyId'));
  if (!old) throw new RegistryError('key_not_found', `no key ${param(ctx, 'keyId')} here`);
  const publisher = actingPublisher(actorFrom(ctx), old.publisher, 'owner');
  const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['public_key']);
  const publicPem = canonicalPublicPem(stringField(body, 'public_key', true)!);
  const keyId = keyIdOf(publicPem);
  const now = deps.clock.now();
  const inserted = await deps.db.transaction(async (tx) => {
    if (!(await insertKey(tx, { keyId, publisher, publicPem }, now))) return false;
    await appendLogEntry(tx, keyEntry('key_add', { keyId, publisher }, now));
    await tx.query(`INSERT INTO registry_key_revocations (key_id, revoked_at) VALUES ($1, $2)
      ON CONFLICT (key_id) DO NOTHING`, [old.key_id, now]);
    await appendLogEntry(tx, keyEntry('key_revoke', { keyId: old.key_id, publisher }, now));
    return true;
  });
  if (!inserted) throw new RegistryError('key_exists', `key ${keyId} is already registered`);
  deps.log.info('key rotated', { request_id: ctx.state.requestId, key_id: keyId,
    replaces: old.key_id, publisher });
  ctx.status = 201;
  ctx.body = { key_id: keyId, publisher, revoked: old.key_id, revoked_at: now.toISOString() };
}
