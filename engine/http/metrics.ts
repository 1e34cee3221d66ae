/** `GET /metrics`: the Prometheus text of the engine's metrics registry. */
import type { Registry } from 'prom-client';
import { answer, type EngineRoute } from './route.js';

export function metricsRoutes(registry: Registry): EngineRoute[] {
  return [{
    method: 'GET',
    path: '/metrics',
    async handle({ res }) {
      const text = await registry.metrics();
      answer(res, 200, registry.contentType, text);
    },
  }];
}
