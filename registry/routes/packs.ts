/** `GET /v1/packs` and `GET /v1/packs/:id`. */
import { requireRead } from '../auth.js';
import { listVersions } from '../store/packs.js';
import { hiddenPackIds } from '../tenancy/visibility.js';
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
    const packs = [...byPack(visible).values()].map((records) => {
      const { id, publisher, latest, title, description } = packView(deps.baseUrl, records);
      return { id, publisher, latest, title, description };
    });
    ctx.body = { packs };
  });

  router.get('/v1/packs/:id', requireRead(deps), cached, async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    ctx.body = packView(deps.baseUrl, await versionsOf(deps.db, id));
  });
};
