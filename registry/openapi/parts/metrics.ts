/** `GET /metrics`: the registry's Prometheus metrics (registry/metrics). */
import { op, str, type OpenApiPart } from '../build.js';

export const metricsPart: OpenApiPart = {
  paths: {
    '/metrics': { get: op({ id: 'getMetrics', tag: 'operations', auth: 'scope', scope: 'admin',
      summary: 'Prometheus metrics of this process',
      description: 'The Prometheus text exposition (format 0.0.4) of this process: requests ' +
        'by method, route template and status, latency, publishes by result, tarball ' +
        'downloads, 429 and 503 answers, the transparency log\'s size and the process\'s ' +
        'default metrics. Needs an `admin` token, or the scrape secret of ' +
        '`CORDUM_METRICS_TOKEN` (checked without the database; it opens this route only), ' +
        'unless the server runs with `--metrics-public`, which serves it to anyone.',
      ok: { 200: { 'text/plain': str } } }) },
  },
};
