/** `GET /metrics`: the Prometheus text of the engine's metrics registry. */
import type { Registry } from 'prom-client';
import type { EngineRoute } from './route.js';

export function metricsRoutes(registry: Registry): EngineRoute[] {
  return [{
    method: 'GET',
    path: '/metrics',
    async handle({ res }) {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType,
        'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  }];
}
