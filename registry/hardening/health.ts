/**
 * `GET /v1/health`: 200 when the database answers, else 503
 * `service_unavailable`. Needs no token, for load balancers and probes.
 * A database that hangs (a frozen server) is given two seconds, and probes
 * meanwhile share the one question in flight.
 */
import { DATABASE_DEADLINE_MS, shared, within } from '../../storage/deadline.js';
import type { RouteGroup } from '../routes/index.js';

export const healthRoutes: RouteGroup = (router, deps) => {
  const answers = shared(() => within(deps.db.query('SELECT 1'), DATABASE_DEADLINE_MS));
  router.get('/v1/health', async (ctx) => {
    await answers();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok', database: deps.db.kind };
  });
};
