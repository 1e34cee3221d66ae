/**
 * The registry as a Koa application. `createRegistryApp` only assembles:
 * access log, problem+json answers, the route groups of `routes/index.ts`
 * and the router's 405/501 handling. Everything it talks to comes in `deps`.
 */
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import { Router } from '@koa/router';
import type { RegistryDeps } from './deps.js';
import { problemMiddleware } from './problem.js';
import { routeGroups } from './routes/index.js';
import type { RegistryState } from './state.js';
import { auditLog } from './audit/middleware.js';
import { cors } from './hardening/cors.js';
import { etags } from './hardening/etag.js';
import { securityHeaders } from './hardening/headers.js';
import { DEFAULT_HARDENING } from './hardening/options.js';
import { rateLimit } from './hardening/rate-limit.js';
import { refuseNul } from './hardening/nul.js';
import { invalidateOnWrite } from './hardening/read-cache.js';
import { RegistryMetrics } from './metrics/metrics.js';
import { metricsMiddleware } from './metrics/middleware.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Gives each request an id (the caller's, when sane) and logs its outcome. */
function accessLog(deps: RegistryDeps): Koa.Middleware<RegistryState> {
  return async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    ctx.state.requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      deps.log.info('request', {
        request_id: ctx.state.requestId,
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        pack_id: ctx.state.packId,
        version: ctx.state.version,
        publisher: ctx.state.actor?.publisher,
      });
    }
  };
}

export function createRegistryApp(deps: RegistryDeps): Koa<RegistryState> {
  const app = new Koa<RegistryState>({ proxy: false });
  const router = new Router<RegistryState>();
  // Metrics of this app alone (registry/metrics): two apps in one process count apart.
  const metrics = deps.metrics ?? new RegistryMetrics(deps.db);
  for (const group of routeGroups) group(router, { ...deps, metrics });

  const hardening = deps.hardening ?? DEFAULT_HARDENING;
  app.use(accessLog(deps));
  app.use(metricsMiddleware(metrics, router));
  app.use(securityHeaders({ tls: deps.baseUrl.startsWith('https:') }));
  app.use(cors(hardening.corsOrigins));
  app.use(auditLog(deps));
  app.use(invalidateOnWrite(deps.db));
  app.use(problemMiddleware(deps.log));
  app.use(refuseNul());
  app.use(rateLimit({ address: hardening.addressRate, token: hardening.tokenRate }));
  app.use(etags());
  app.use(router.routes());
  // Without `throw`, the router sets 405/501 and `Allow`; problemMiddleware adds the body.
  app.use(router.allowedMethods());
  // Errors are answered by problemMiddleware; keep Koa from printing them too.
  app.silent = true;
  return app;
}
