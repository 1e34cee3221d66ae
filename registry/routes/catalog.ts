/**
 * `GET /v1/catalog.json`: the catalog a Cordum gateway reads, one entry per
 * pack at its latest version, with absolute tarball URLs.
 */
import { catalogEntry, type Catalog } from '../../packs/catalog.js';
import { requireRead } from '../auth.js';
import { listVersions } from '../store/packs.js';
import { hiddenPackIds } from '../tenancy/visibility.js';
import { yankedByPack } from '../store/yanks.js';
import { packUrls } from '../urls.js';
import { latestTagsByPack } from '../latest.js';
import { byPack, installableLatest } from '../views.js';
import type { RouteGroup } from './index.js';
import { cachedRead, ReadCache } from '../hardening/read-cache.js';

export const catalogRoutes: RouteGroup = (router, deps) => {
  // Answers reused while the log's size is unchanged (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get('/v1/catalog.json', requireRead(deps), cached, async (ctx) => {
    const hidden = await hiddenPackIds(deps.db, ctx.state.actor);
    const records = (await listVersions(deps.db)).filter((r) => !hidden.has(r.packId));
    const yanked = await yankedByPack(deps.db);
    const latestTags = await latestTagsByPack(deps.db);
    // A gateway installs what the catalog names: the pack's latest, never a yanked
    // version, and no pack whose every version is yanked.
    const packs = [...byPack(records).values()].flatMap((list) => {
      const packId = list[0]!.packId;
      const latest = installableLatest(list, { yanked: yanked.get(packId) ?? new Set(),
        latestTag: latestTags.get(packId) });
      if (latest === undefined) return [];
      const url = packUrls(deps.baseUrl, latest.packId, latest.version).tarball_url;
      return [catalogEntry(latest.manifest, { url, sha256: latest.sha256 })];
    });
    // The newest publish dates the catalog, so an unchanged one reads the same.
    const newest = records.map((r) => r.publishedAt).sort().at(-1);
    const catalog: Catalog = { updated_at: newest ?? deps.clock.now().toISOString(), packs };
    ctx.body = catalog;
  });
};
