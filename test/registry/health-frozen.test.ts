/**
 * The registry's `/v1/health` with a PostgreSQL that stops answering without
 * closing anything (a frozen server, a dropped route): it answers 503
 * `service_unavailable` within a few seconds instead of hanging as long as
 * the database does, and 200 again once the database answers.
 */
import { describe, expect, it } from 'vitest';
import { postgresBackend, type Backend } from '../helpers/databases.js';
import { relayTo } from '../helpers/relay.js';
import { readProblem } from './helpers.js';
import { NO_LIMITS, startCustomRegistry } from './trust-helpers.js';

async function health(url: string, ms: number) {
  const started = Date.now();
  const res = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(ms) });
  return { res, ms: Date.now() - started };
}

describe('registry health with a database that stops answering', () => {
  it('answers 503 within seconds while frozen, probes sharing the wait, then 200', async () => {
    const fresh = await postgresBackend.fresh();
    const relay = await relayTo(new URL(fresh.url!));
    const url = new URL(fresh.url!);
    url.port = String(relay.port);
    const backend: Backend = { name: 'postgres',
      fresh: async () => ({ url: url.toString(), dataDir: fresh.dataDir }) };
    const reg = await startCustomRegistry(backend, { hardening: NO_LIMITS });
    try {
      expect((await health(reg.url, 5000)).res.status).toBe(200);
      relay.freeze();
      const probes = await Promise.all([1, 2, 3].map(() => health(reg.url, 8000)));
      for (const { res, ms } of probes) {
        expect(res.status).toBe(503);
        expect(await readProblem(res)).toMatchObject({ code: 'service_unavailable' });
        expect(ms).toBeLessThan(5000);
      }
      relay.thaw();
      expect((await health(reg.url, 5000)).res.status).toBe(200);
    } finally {
      relay.thaw();
      await reg.close();
      await relay.cut();
    }
  });
});
