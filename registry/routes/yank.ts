/**
 * Yanking: `GET|PUT /v1/packs/:id/versions/:version/yank` (`{ yanked,
 * reason? }`). A yanked version is never deleted: it stays downloadable by
 * its exact version, deployments stop resolving to it, and un-yanking
 * restores it. Needs the `publish` scope for the pack's own publisher.
 */
import { actingPublisher, actorFrom, requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { findVersion } from '../store/packs.js';
import { findYank, setYank } from '../store/yanks.js';
import type { RegistryDeps } from '../deps.js';
import { yankEntry } from '../tlog/entries.js';
import { appendLogEntry } from '../tlog/store.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';
import { seenPack } from './publishers.js';

const PATH = '/v1/packs/:id/versions/:version/yank';
// As a deprecation message's: the reason is shown on pages and installs and kept in the log.
const MAX_REASON = 1000;

async function target(deps: RegistryDeps, ctx: RegistryContext) {
  const id = param(ctx, 'id');
  const version = param(ctx, 'version');
  ctx.state.packId = id;
  ctx.state.version = version;
  // A private pack is absent to outsiders, here as on every route: before its versions.
  await seenPack(deps, ctx, id);
  const record = await findVersion(deps.db, id, version);
  if (!record)
    throw new RegistryError('version_not_found', `${id}@${version} is not published here`);
  return record;
}

async function status(deps: RegistryDeps, id: string, version: string) {
  const yank = await findYank(deps.db, id, version);
  return {
    id,
    version,
    yanked: yank !== undefined,
    yanked_at: yank?.yanked_at ?? null,
    reason: yank?.reason ?? null,
  };
}

export const yankRoutes: RouteGroup = (router, deps) => {
  router.get(PATH, requireRead(deps), async (ctx) => {
    const record = await target(deps, ctx);
    ctx.body = await status(deps, record.packId, record.version);
  });

  router.put(PATH, requireScope(deps, 'publish'), async (ctx) => {
    const record = await target(deps, ctx);
    actingPublisher(actorFrom(ctx), record.publisher);
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['yanked', 'reason']);
    if (typeof body.yanked !== 'boolean') {
      throw new RegistryError('request_invalid', '`yanked` must be true or false');
    }
    if (body.reason !== undefined && body.reason !== null &&
      (typeof body.reason !== 'string' || body.reason.length > MAX_REASON)) {
      throw new RegistryError('request_invalid',
        `\`reason\` must be a string of at most ${MAX_REASON} characters`);
    }
    const reason = typeof body.reason === 'string' ? body.reason : null;
    const yank = body.yanked ? { reason, now: deps.clock.now() } : null;
    // Only a change is logged: yanking a yanked version (or restoring one that is not
    // yanked) leaves both the state and the log as they were.
    await deps.db.transaction(async (tx) => {
      if (await setYank(tx, record.packId, record.version, yank)) {
        await appendLogEntry(tx, yankEntry(record, body.yanked === true, reason,
          deps.clock.now()));
      }
    });
    deps.log.info(body.yanked ? 'version yanked' : 'version restored', {
      request_id: ctx.state.requestId,
      pack_id: record.packId,
      version: record.version,
    });
    ctx.body = await status(deps, record.packId, record.version);
  });
};
