/** `GET /v1/packs` and `GET /v1/packs/:id`. */
import { requireRead } from '../auth.js';
import { listVersions } from '../store/packs.js';
import { byPack, packView } from '../views.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';

export const packRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/packs', requireRead(deps), async (ctx) => {
    const packs = [...byPack(await listVersions(deps.db)).values()].map((records) => {
      const { id, publisher, latest, title, description } = packView(deps.baseUrl, records);
      return { id, publisher, latest, title, description };
    });
    ctx.body = { packs };
  });

  router.get('/v1/packs/:id', requireRead(deps), async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    ctx.body = packView(deps.baseUrl, await versionsOf(deps.db, id));
  });
};
