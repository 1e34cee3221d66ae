/**
 * `GET /metrics`: the Prometheus text of this app's metrics. Who may read it:
 *
 * - anyone, when the server runs with `--metrics-public` (a scraper on a
 *   private network);
 * - the scrape secret of `CORDUM_METRICS_TOKEN`, as a Bearer token: checked
 *   without the database (so a scrape still answers while it is down), and it
 *   opens this route only;
 * - otherwise a token with the `admin` scope.
 *
 * Route templates, counts and process figures are operational detail, not
 * pack data, so `--anonymous-read` does not open them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { requireScope } from '../auth.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RouteGroup } from '../routes/index.js';
import type { RegistryState } from '../state.js';

type Guard = Koa.Middleware<RegistryState>;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function guardOf(deps: RegistryDeps): Guard {
  if (deps.metricsPublic) return (_ctx, next) => next();
  const admin = requireScope(deps, 'admin');
  if (!deps.metricsToken) return admin;
  const secret = digest(deps.metricsToken);
  return async (ctx, next) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('Authorization'))?.[1];
    if (bearer !== undefined && timingSafeEqual(digest(bearer), secret)) return next();
    return admin(ctx, next);
  };
}

export const metricsRoutes: RouteGroup = (router, deps) => {
  router.get('/metrics', guardOf(deps), async (ctx) => {
    if (!deps.metrics) throw new RegistryError('not_found', 'this registry app keeps no metrics');
    ctx.body = await deps.metrics.text();
    ctx.set('Content-Type', deps.metrics.contentType);
    ctx.set('Cache-Control', 'no-store');
  });
};
