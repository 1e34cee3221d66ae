/**
 * `cordum registry serve` opens `GET /metrics` as its flags say: only to
 * the scrape secret of `CORDUM_METRICS_TOKEN` (and admins) by default, to
 * anyone with `--metrics-public`. Real processes of the built CLI.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { assertBuilt, serveRegistry, stopRegistry, type ServedRegistry } from './trust-helpers.js';

describe('registry serve and /metrics access', () => {
  const served: ServedRegistry[] = [];
  const dirs: string[] = [];
  let secured: ServedRegistry;
  let open: ServedRegistry;

  beforeAll(async () => {
    assertBuilt();
    const [a, b] = await Promise.all([pgliteBackend.fresh(), pgliteBackend.fresh()]);
    dirs.push(a.dataDir, b.dataDir);
    secured = await serveRegistry(a, [], { CORDUM_METRICS_TOKEN: 'scrape-secret' });
    served.push(secured);
    open = await serveRegistry(b, ['--metrics-public']);
    served.push(open);
  });
  afterAll(async () => {
    for (const r of served) await stopRegistry(r);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const get = (r: ServedRegistry, token?: string) => fetch(`${r.url}/metrics`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('needs the scrape secret by default', async () => {
    expect((await get(secured)).status).toBe(401);
    const res = await get(secured, 'scrape-secret');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^cordum_registry_database_up 1$/m);
  });

  it('serves anyone with --metrics-public', async () => {
    expect((await fetch(`${open.url}/v1/health`)).status).toBe(200);
    const res = await get(open);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(
      'cordum_registry_http_requests_total{method="GET",route="/v1/health",status="200"} 1\n');
  });
});
