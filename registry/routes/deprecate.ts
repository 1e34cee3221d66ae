/**
 * Deprecation: `GET|PUT /v1/packs/:id/versions/:version/deprecation`
 * (`{ message }`, or `{ message: null }` to lift it). A deprecated version
 * still resolves and installs; resolve and install carry its message. Each
 * change is a `deprecate` entry of the transparency log.
 */
import { actorFrom, requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { findVersion } from '../store/packs.js';
import { deprecationsOf, setDeprecation } from '../tenancy/deprecations.js';
import { assertRole } from '../tenancy/roles.js';
import { appendLogEntry } from '../tlog/store.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';
import { seenPack } from './publishers.js';

const PATH = '/v1/packs/:id/versions/:version/deprecation';
const MAX_MESSAGE = 1000;

async function target(deps: RegistryDeps, ctx: RegistryContext) {
  const id = param(ctx, 'id');
  const version = param(ctx, 'version');
  ctx.state.packId = id;
  ctx.state.version = version;
  const record = await findVersion(deps.db, id, version);
  if (!record) {
    throw new RegistryError('version_not_found', `${id}@${version} is not published here`);
  }
  return record;
}

async function status(deps: RegistryDeps, id: string, version: string) {
  const found = (await deprecationsOf(deps.db, id)).get(version);
  return { id, version, deprecated: found !== undefined, message: found?.message ?? null,
    deprecated_at: found?.deprecated_at ?? null };
}

function messageOf(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_MESSAGE) {
    throw new RegistryError('request_invalid',
      `\`message\` must be null or a non-empty string of at most ${MAX_MESSAGE} characters`);
  }
  return value.trim();
}

export const deprecateRoutes: RouteGroup = (router, deps) => {
  router.get(PATH, requireRead(deps), async (ctx) => {
    const record = await target(deps, ctx);
    ctx.body = await status(deps, record.packId, record.version);
  });

  router.put(PATH, requireScope(deps, 'publish'), async (ctx) => {
    const pack = await seenPack(deps, ctx, param(ctx, 'id'));
    const record = await target(deps, ctx);
    assertRole(actorFrom(ctx), pack.publisher, 'maintainer');
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['message']);
    const message = messageOf(body.message);
    const now = deps.clock.now();
    // Only a change is logged, as for yanks: the same message again, or lifting what is not
    // deprecated, leaves both the state and the log as they were.
    await deps.db.transaction(async (tx) => {
      if (!await setDeprecation(tx, record.packId, record.version, message, now)) return;
      await appendLogEntry(tx, { kind: 'deprecate', at: now.toISOString(),
        pack_id: record.packId, version: record.version, sha256: record.sha256,
        reason: message });
    });
    deps.log.info(message ? 'version deprecated' : 'deprecation lifted', {
      request_id: ctx.state.requestId, pack_id: record.packId, version: record.version });
    ctx.body = await status(deps, record.packId, record.version);
  });
};
