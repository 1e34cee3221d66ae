/**
 * `GET /v1/packs/:id/resolve?range=R`: the highest unyanked version in a
 * semver range, or the version a dist-tag (`latest`, `stable`, custom)
 * points at, as the dist-tags route lists them (registry/latest.ts). A
 * yanked version is never chosen; a deprecated one is, with its message in
 * `deprecated`.
 */
import { satisfies } from 'semver';
import { isPackError } from '../../packs/errors.js';
import { resolveRange } from '../../packs/resolve.js';
import { requireRead } from '../auth.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import { liveDistTags } from '../latest.js';
import type { VersionRecord } from '../store/packs.js';
import { yankedVersions } from '../store/yanks.js';
import { deprecationsOf } from '../tenancy/deprecations.js';
import { distTags, rangeOrTag, type RangeOrTag } from '../tenancy/tags.js';
import { packUrls } from '../urls.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';
import { cachedRead, ReadCache } from '../hardening/read-cache.js';

async function choose(deps: RegistryDeps, id: string, asked: RangeOrTag,
  records: VersionRecord[]): Promise<string> {
  const yanked = await yankedVersions(deps.db, id);
  const versions = records.map((r) => r.version);
  const live = versions.filter((v) => !yanked.has(v));
  if ('range' in asked) {
    try {
      return resolveRange(live, asked.range, id);
    } catch (err) {
      // Say so when only yanked versions would do, rather than "(have none)".
      const range = asked.range;
      const hidden = versions.filter((v) => yanked.has(v) && satisfies(v, range));
      if (hidden.length === 0 || !isPackError(err) || err.code !== 'range_unsatisfied') throw err;
      throw new RegistryError('range_unsatisfied', `${id}: only yanked versions satisfy ` +
        `"${range}" (${hidden.join(', ')}); a yanked version installs only where a ` +
        'cordum.lock already pins it');
    }
  }

  const stored = await distTags(deps.db, id);
  const version = own(liveDistTags({ versions, yanked }, stored), asked.tag);
  if (version !== undefined) return version;
  throw new RegistryError('range_unsatisfied', whyNoTag(id, asked.tag, own(stored, asked.tag)));
}

/** A tag's version; a tag named like an Object member (`constructor`) is just a name. */
function own(tags: Record<string, string>, tag: string): string | undefined {
  return Object.hasOwn(tags, tag) ? tags[tag] : undefined;
}

/** Why a tag names nothing installable, for the range_unsatisfied problem. */
function whyNoTag(id: string, tag: string, stored: string | undefined): string {
  if (tag === 'latest') return `${id}: every version is yanked, so nothing is latest`;
  if (stored === undefined) return `${id}: no dist-tag ${tag}`;
  return `${id}: dist-tag ${tag} points at ${stored}, which is yanked`;
}

export const resolveRoutes: RouteGroup = (router, deps) => {
  // Answers reused while nothing was written (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get('/v1/packs/:id/resolve', requireRead(deps), cached, async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const asked = rangeOrTag(ctx.query.range, id);

    const records = await versionsOf(deps.db, id);
    const version = await choose(deps, id, asked, records);
    const chosen = records.find((r) => r.version === version)!;
    const deprecated = (await deprecationsOf(deps.db, id)).get(version);
    ctx.state.version = version;
    ctx.body = {
      id,
      version,
      sha256: chosen.sha256,
      key_id: chosen.keyId,
      ...packUrls(deps.baseUrl, id, version),
      ...(deprecated ? { deprecated: deprecated.message } : {}),
    };
  });
};
