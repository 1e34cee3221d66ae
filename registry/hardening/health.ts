/**
 * `GET /v1/health`: 200 when the database answers, else 503
 * `service_unavailable`. Needs no token, for load balancers and probes.
 */
import type { RouteGroup } from '../routes/index.js';

export const healthRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/health', async (ctx) => {
    await deps.db.query('SELECT 1');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok', database: deps.db.kind };
  });
};
