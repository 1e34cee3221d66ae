/**
 * `cordum engine serve` whose PostgreSQL stops answering without closing
 * anything (a frozen server, a dropped route): `/readyz` and `/metrics`
 * still answer within a few seconds, saying the database is out, rather
 * than hanging as long as the database does, and say so again once it is back.
 */
import { describe, expect, it } from 'vitest';
import { postgresBackend } from '../helpers/databases.js';
import { relayTo } from '../helpers/relay.js';
import { countingWorker, echoProject, serve, stop } from './serving.js';

/** `fetch` that gives up after `ms`, so a hang fails the test instead of timing it out. */
async function timed(url: string, ms: number) {
  const started = Date.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { res, text: await res.text(), ms: Date.now() - started };
}

describe('engine serve with a database that stops answering', () => {
  it('answers /readyz 503 and /metrics with database_up 0 within seconds', async () => {
    const worker = await countingWorker(0);
    const url = new URL((await postgresBackend.fresh()).url!);
    const relay = await relayTo(url);
    const through = new URL(url);
    through.host = `127.0.0.1:${relay.port}`;
    const s = await serve(await echoProject(worker.url), [],
      { DATABASE_URL: through.toString() });
    try {
      expect((await timed(`${s.url}/readyz`, 5000)).res.status).toBe(200);
      relay.freeze();

      // Twice: a second probe while the first query still hangs answers as soon.
      for (let i = 0; i < 2; i++) {
        const ready = await timed(`${s.url}/readyz`, 8000);
        expect(ready.res.status).toBe(503);
        expect(JSON.parse(ready.text)).toMatchObject({ status: 'not_ready',
          reason: expect.stringMatching(/database did not answer.*within 2000 ms/) });
        expect(ready.ms).toBeLessThan(5000);
      }
      const metrics = await timed(`${s.url}/metrics`, 8000);
      expect(metrics.res.status).toBe(200);
      expect(metrics.text).toContain('cordum_engine_database_up 0');
      expect(metrics.text).toContain('cordum_policy_snapshot_info{');
      expect(metrics.ms).toBeLessThan(5000);
      expect((await timed(`${s.url}/healthz`, 2000)).res.status).toBe(200);

      // Back: the next probe finds it, not held by a query of the outage.
      relay.thaw();
      expect((await timed(`${s.url}/readyz`, 5000)).res.status).toBe(200);
      expect((await timed(`${s.url}/metrics`, 5000)).text)
        .toContain('cordum_engine_database_up 1');
    } finally {
      await stop(s, 'SIGKILL');
      await relay.cut();
      await worker.close();
    }
  });
});
