/**
 * `GET /metrics` (registry/metrics): real requests, then the counters read
 * back from the Prometheus text. Labels carry route templates, never pack
 * ids; each app counts on its own registry; `/metrics` needs an admin
 * token unless `metricsPublic` is set.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { openDatabase } from '../../storage/database.js';
import { startRegistryServer, type RunningRegistry } from '../../registry/server.js';
import { createToken } from '../../registry/store/tokens.js';
import type { RegistryServices } from '../../registry/wiring.js';
import {
  ADMIN_TOKEN, publishForm, raw, registeredKey, signedFixture, type SignedPack, type TestRegistry,
} from './helpers.js';
import { NO_LIMITS, startCustomRegistry } from './trust-helpers.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the sample with exactly these labels; 0 when absent (a counter not yet used). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const hit = samples.find((s) => s.name === name &&
    JSON.stringify(Object.entries(s.labels).sort()) === want);
  return hit?.value ?? 0;
}

async function scrape(url: string, token: string | null = ADMIN_TOKEN): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, token ? { headers:
    { authorization: `Bearer ${token}` } } : {});
  expect(res.status).toBe(200);
  return parse(await res.text());
}

/** Another app (own server, own metrics) over the same services; closing it keeps them open. */
function secondApp(services: RegistryServices, extra: Partial<RegistryServices>):
Promise<RunningRegistry> {
  return startRegistryServer({ ...services, ...extra, close: async () => undefined },
    { port: 0, host: '127.0.0.1' });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const R = 'cordum_registry_';
const SCRAPE = 'prometheus-scrape-secret';
const V = '/v1/packs/hello-pack/versions/0.1.0';

describe.each(backends())('registry metrics on $name', (backend) => {
  let reg: TestRegistry;
  let pack: SignedPack;

  beforeAll(async () => {
    reg = await startCustomRegistry(backend, { hardening: NO_LIMITS });
    pack = await signedFixture('hello-pack', await registeredKey(reg));
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('counts requests by route template, publishes by result and downloads', async () => {
    const form = () => publishForm({ tarball: pack.tgz, bundle: pack.bundle });
    expect((await raw(reg, '/v1/packs', { method: 'POST', body: form() })).status).toBe(201);
    expect((await raw(reg, '/v1/packs', { method: 'POST', body: form() })).status).toBe(409);
    const bare = await raw(reg, '/v1/packs', { method: 'POST',
      body: publishForm({ tarball: pack.tgz }) });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { code: string }).code).toBe('part_missing');
    for (let i = 0; i < 2; i++) expect((await raw(reg, `${V}/tarball`)).status).toBe(200);
    const npm = await raw(reg, '/npm/@cordum-packs/hello-pack/-/hello-pack-0.1.0.tgz');
    expect(npm.status).toBe(200);
    expect((await raw(reg, '/v1/packs/hello-pack')).status).toBe(200);
    expect((await raw(reg, '/v1/packs/no-such-pack')).status).toBe(404);
    expect((await raw(reg, '/no/such/route')).status).toBe(404);

    const s = await scrape(reg.url);
    const requests = `${R}http_requests_total`;
    expect(value(s, requests, { method: 'POST', route: '/v1/packs', status: '201' })).toBe(1);
    expect(value(s, requests, { method: 'POST', route: '/v1/packs', status: '409' })).toBe(1);
    expect(value(s, requests, { method: 'GET', route: '/v1/packs/:id', status: '200' })).toBe(1);
    expect(value(s, requests, { method: 'GET', route: '/v1/packs/:id', status: '404' })).toBe(1);
    expect(value(s, requests, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(value(s, `${R}http_request_duration_seconds_count`,
      { method: 'GET', route: '/v1/packs/:id' })).toBe(2);
    expect(value(s, `${R}publishes_total`, { result: 'ok' })).toBe(1);
    expect(value(s, `${R}publishes_total`, { result: 'version_exists' })).toBe(1);
    expect(value(s, `${R}publishes_total`, { result: 'part_missing' })).toBe(1);
    expect(value(s, `${R}downloads_total`, { kind: 'pack' })).toBe(2);
    expect(value(s, `${R}downloads_total`, { kind: 'npm' })).toBe(1);
    // Ids stay out of the labels: only templates.
    expect(s.filter((x) => Object.values(x.labels).some((l) => l.includes('hello-pack'))))
      .toEqual([]);
  });

  it('reads the log size on scrape and serves the process metrics', async () => {
    const head = (await (await raw(reg, '/v1/log/tree-head')).json()) as { tree_size: number };
    expect(head.tree_size).toBeGreaterThanOrEqual(2); // the key, then the publish
    const s = await scrape(reg.url);
    expect(value(s, `${R}tlog_tree_size`)).toBe(head.tree_size);
    expect(value(s, `${R}database_up`)).toBe(1);
    expect(value(s, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(s, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('answers /metrics to admin tokens only, and counts the refusals', async () => {
    const reader = await createToken(reg.services.db, { publisher: 'default', scopes: ['read'] },
      reg.clock.now());
    const publisher = await createToken(reg.services.db, { publisher: 'default',
      scopes: ['publish', 'keys'] }, reg.clock.now());
    expect((await raw(reg, '/metrics', {}, null)).status).toBe(401);
    expect((await raw(reg, '/metrics', {}, reader.secret)).status).toBe(403);
    expect((await raw(reg, '/metrics', {}, publisher.secret)).status).toBe(403);
    const ok = await raw(reg, '/metrics');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.headers.get('cache-control')).toBe('no-store');

    const s = await scrape(reg.url);
    const requests = `${R}http_requests_total`;
    expect(value(s, requests, { method: 'GET', route: '/metrics', status: '401' })).toBe(1);
    expect(value(s, requests, { method: 'GET', route: '/metrics', status: '403' })).toBe(2);
  });

  it('opens /metrics alone to the scrape secret of CORDUM_METRICS_TOKEN', async () => {
    const other = await secondApp(reg.services, { metricsToken: SCRAPE });
    try {
      const get = (path: string, token: string) => fetch(`${other.url}${path}`,
        { headers: { authorization: `Bearer ${token}` } });
      expect((await get('/metrics', SCRAPE)).status).toBe(200);
      expect((await get('/metrics', ADMIN_TOKEN)).status).toBe(200);
      expect((await get('/metrics', `${SCRAPE}x`)).status).toBe(401);
      const packs = await get('/v1/packs', SCRAPE);
      expect(packs.status).toBe(401);
      expect(((await packs.json()) as { code: string }).code).toBe('token_invalid');
      // A scrape is counted once answered: this one is not in its own text.
      const s = await scrape(other.url, SCRAPE);
      expect(value(s, `${R}http_requests_total`, { method: 'GET', route: '/metrics',
        status: '200' })).toBe(2);
      expect(value(s, `${R}http_requests_total`, { method: 'GET', route: '/metrics',
        status: '401' })).toBe(1);
    } finally {
      await other.close(1000);
    }
  });

  it('keeps two apps apart, serves public metrics and counts 429s', async () => {
    const tight = { corsOrigins: [], addressRate: null, tokenRate: { perSecond: 0.001, burst: 2 } };
    const other = await secondApp(reg.services, { hardening: tight, metricsPublic: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${other.url}/v1/packs`, { headers:
          { authorization: 'Bearer not-a-token' } });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 429, 429, 429]);

      const s = await scrape(other.url, null);
      expect(value(s, `${R}rate_limited_total`)).toBe(3);
      // Refused before routing, still counted by the route its path matches.
      expect(value(s, `${R}http_requests_total`, { method: 'GET', route: '/v1/packs',
        status: '429' })).toBe(3);
      expect(value(s, `${R}publishes_total`, { result: 'ok' })).toBe(0);

      const first = await scrape(reg.url);
      expect(value(first, `${R}rate_limited_total`)).toBe(0);
      expect(value(first, `${R}publishes_total`, { result: 'ok' })).toBe(1);
    } finally {
      await other.close(1000);
    }
  });

  it('counts 503s and reports the database down when it cannot be reached', async () => {
    const port = await closedPort();
    const gone = await openDatabase({ url: `postgres://cordum@127.0.0.1:${port}/gone` });
    const other = await secondApp(reg.services, { db: gone, metricsToken: SCRAPE });
    try {
      expect((await fetch(`${other.url}/v1/health`)).status).toBe(503);
      const list = await fetch(`${other.url}/v1/packs`, { headers:
        { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(list.status).toBe(503);

      // The scrape secret is checked without the database: metrics answer while it is down.
      const s = await scrape(other.url, SCRAPE);
      expect(value(s, `${R}unavailable_total`)).toBe(2);
      expect(value(s, `${R}http_requests_total`, { method: 'GET', route: '/v1/health',
        status: '503' })).toBe(1);
      expect(value(s, `${R}database_up`)).toBe(0);
    } finally {
      await other.close(1000);
      await gone.close();
    }
  });
});
