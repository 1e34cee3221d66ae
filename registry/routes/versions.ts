/**
 * One published version: its record, manifest, tarball and signature
 * bundle. The blob store hashes a tarball again whenever its file's identity
 * (inode, size, times) changed, and refuses it with `blob_corrupt` when its
 * bytes no longer match.
 */
import { downloadCountsOf } from '../hardening/download-counts.js';
import { requireRead } from '../auth.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { findBundle, findVersion, type VersionRecord } from '../store/packs.js';
import { versionSummary } from '../views.js';
import { findYank } from '../store/yanks.js';
import { deprecationsOf } from '../tenancy/deprecations.js';
import { signerState } from '../tenancy/key_trust.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';
import { versionBytesCacheControl } from '../cache_control.js';
import { cachedRead, loadOncePerGeneration, ReadCache } from '../hardening/read-cache.js';

const BASE = '/v1/packs/:id/versions/:version';

async function versionFrom(deps: RegistryDeps, ctx: RegistryContext): Promise<VersionRecord> {
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

export const versionRoutes: RouteGroup = (router, deps) => {
  // Answers reused while the log's size is unchanged (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get(BASE, requireRead(deps), cached, async (ctx) => {
    const record = await versionFrom(deps, ctx);
    const yank = await findYank(deps.db, record.packId, record.version);
    const deprecation = (await deprecationsOf(deps.db, record.packId)).get(record.version);
    ctx.body = {
      id: record.packId,
      publisher: record.publisher,
      ...versionSummary(deps.baseUrl, record),
      manifest: record.manifest,
      // Yanked and deprecated versions still install by exact version, with a warning.
      yanked: yank !== undefined,
      ...(yank ? { yank_reason: yank.reason } : {}),
      ...(deprecation ? { deprecated: deprecation.message } : {}),
      // Its signer's key revoked since: still verifies, flagged (registry/tenancy/key_trust).
      ...(await signerState(deps.db, record.keyId)),
    };
  });

  router.get(`${BASE}/manifest`, requireRead(deps), cached, async (ctx) => {
    ctx.body = (await versionFrom(deps, ctx)).manifest;
  });

  const records = new Map<string, [string, VersionRecord]>();
  router.get(`${BASE}/tarball`, requireRead(deps), async (ctx) => {
    const record = await loadOncePerGeneration(deps.db, records, ctx.path,
      () => versionFrom(deps, ctx));
    ctx.state.packId = record.packId;
    ctx.state.version = record.version;
    const bytes = await deps.blobs.get(record.sha256);
    const file = `${record.packId}-${record.version}.tgz`;
    ctx.set('Content-Disposition', `attachment; filename="${file}"`);
    ctx.set('ETag', `"sha256:${record.sha256}"`);
    ctx.set('Cache-Control', await versionBytesCacheControl(deps, record.packId));
    ctx.type = 'application/gzip';
    ctx.body = bytes;
    // Install counts are a nicety: counted in memory, written in batches.
    downloadCountsOf(deps.db).add(record.packId, record.version);
  });

  router.get(`${BASE}/bundle`, requireRead(deps), cached, async (ctx) => {
    const record = await versionFrom(deps, ctx);
    ctx.type = 'application/json';
    ctx.body = await findBundle(deps.db, record.packId, record.version);
  });
};
