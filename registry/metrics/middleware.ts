/**
 * Counts every request once it is answered, by the router's path template
 * (never the raw URL: pack ids, private ones too, stay out of the labels and
 * the label sets stay few). Mounted outside the problem middleware, so it
 * sees the final status and the problem code.
 */
import type Koa from 'koa';
import type { RegistryRouter, RegistryState } from '../state.js';
import type { RegistryMetrics } from './metrics.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template: the one the router ran, else (a request refused
 * before routing, such as a 429, or a 405) the one its path would match.
 */
function routeOf(ctx: Koa.ParameterizedContext<RegistryState>, router: RegistryRouter): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  const match = router.match(ctx.path, ctx.method);
  const layer = match.pathAndMethod.find((l) => l.methods.length > 0) ??
    match.path.find((l) => l.methods.length > 0);
  return typeof layer?.path === 'string' ? layer.path : 'unmatched';
}

function codeOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || !('code' in body)) return undefined;
  return typeof body.code === 'string' ? body.code : undefined;
}

export function metricsMiddleware(metrics: RegistryMetrics, router: RegistryRouter):
Koa.Middleware<RegistryState> {
  return async (ctx, next) => {
    const started = performance.now();
    let thrown = false;
    try {
      await next();
    } catch (err) {
      thrown = true;
      throw err;
    } finally {
      metrics.record({
        method: METHODS.has(ctx.method) ? ctx.method : 'OTHER',
        route: routeOf(ctx, router),
        // An error past the problem middleware is answered 500 by Koa.
        status: thrown ? 500 : ctx.status,
        seconds: (performance.now() - started) / 1000,
        code: codeOf(ctx.body),
      });
    }
  };
}
