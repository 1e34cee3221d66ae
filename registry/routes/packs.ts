/** `GET /v1/packs` and `GET /v1/packs/:id`. */
import { requireRead } from '../auth.js';
import { listVersions } from '../store/packs.js';
import { findOwnership, hiddenPackIds } from '../tenancy/visibility.js';
import { yankedByPack, yankedVersions } from '../store/yanks.js';
import { deprecationsOf } from '../tenancy/deprecations.js';
import { latestTagsByPack } from '../latest.js';
import { distTags } from '../tenancy/tags.js';
import { byPack, packView } from '../views.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';
import { cachedRead, ReadCache } from '../hardening/read-cache.js';

export const packRoutes: RouteGroup = (router, deps) => {
  // Answers reused while the log's size is unchanged (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get('/v1/packs', requireRead(deps), cached, async (ctx) => {
    const hidden = await hiddenPackIds(deps.db, ctx.state.actor);
    const visible = (await listVersions(deps.db)).filter((r) => !hidden.has(r.packId));
    const yanked = await yankedByPack(deps.db);
    const latestTags = await latestTagsByPack(deps.db);
    const packs = [...byPack(visible).values()].map((records) => {
      const packId = records[0]!.packId;
      const { id, publisher, latest, title, description } = packView(deps.baseUrl, records,
        { yanked: yanked.get(packId) ?? new Set(), latestTag: latestTags.get(packId) });
      return { id, publisher, latest, title, description };
    });
    ctx.body = { packs };
  });

  router.get('/v1/packs/:id', requireRead(deps), cached, async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const yanked = await yankedVersions(deps.db, id);
    const view = packView(deps.baseUrl, await versionsOf(deps.db, id),
      { yanked, latestTag: (await distTags(deps.db, id)).latest });
    const deprecated = await deprecationsOf(deps.db, id);
    // What the resolver of requires_packs reads (packs/closure): never pick a yanked version.
    // `private` only matters to those who can see the pack at all (its members, admins).
    const hidden = (await findOwnership(deps.db, id))?.private === true;
    ctx.body = { ...view, yanked: view.versions.map((v) => v.version).filter((v) => yanked.has(v)),
      deprecated: Object.fromEntries([...deprecated].map(([v, d]) => [v, d.message])),
      ...(hidden ? { private: true } : {}) };
  });
};
