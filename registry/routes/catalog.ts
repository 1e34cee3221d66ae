/**
 * `GET /v1/catalog.json`: the catalog a Cordum gateway reads, one entry per
 * pack at its latest version, with absolute tarball URLs.
 */
import { catalogEntry, type Catalog, type CatalogEntry } from '../../packs/catalog.js';
import { linkScheme } from '../../packs/validate/display.js';
import { requireRead } from '../auth.js';
import { listVersions } from '../store/packs.js';
import { hiddenPackIds } from '../tenancy/visibility.js';
import { yankedByPack } from '../store/yanks.js';
import { packUrls } from '../urls.js';
import { latestTagsByPack } from '../latest.js';
import { byPack, installableLatest } from '../views.js';
import type { RouteGroup } from './index.js';
import { cachedRead, ReadCache } from '../hardening/read-cache.js';
import { imageTypeOf } from '../marketplace/pack/details.js';
import { inPackImage, packFilePath } from '../marketplace/paths.js';
import type { VersionRecord } from '../store/packs.js';
import { entryChangesByPack } from '../store/catalog_changes.js';

/**
 * The entry's `image` as a gateway can load it. A link stays as the manifest
 * gives it. A file in the pack (`icon.png`) means nothing to a reader of the
 * catalog, who has no pack to look in, so it becomes the absolute URL the
 * marketplace serves the file from; one the marketplace does not serve as an
 * image (an SVG, a path out of the pack) is left out.
 */
function withImageUrl(entry: CatalogEntry, baseUrl: string, record: VersionRecord): CatalogEntry {
  if (entry.image === undefined || linkScheme(entry.image) !== undefined) return entry;
  const path = inPackImage(entry.image);
  const { image: _local, ...rest } = entry;
  if (path === undefined || imageTypeOf(path) === undefined) return rest;
  const base = baseUrl.replace(/\/+$/, '');
  return { ...entry, image: `${base}${packFilePath(record.packId, record.version, path)}` };
}

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
      const entry = catalogEntry(latest.manifest, { url, sha256: latest.sha256 });
      return [withImageUrl(entry, deps.baseUrl, latest)];
    });
    // The newest change to what it lists dates the catalog, so an unchanged one reads the
    // same and a yank (which changes the version a pack is listed at) dates it anew.
    const changes = [...(await entryChangesByPack(deps.db))]
      .filter(([packId]) => !hidden.has(packId)).map(([, at]) => at);
    const newest = [...records.map((r) => r.publishedAt), ...changes].sort().at(-1);
    const catalog: Catalog = { updated_at: newest ?? deps.clock.now().toISOString(), packs };
    ctx.body = catalog;
  });
};
