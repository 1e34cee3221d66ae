/**
 * `cordum engine serve --concurrency N` under a backlog that outlasts a
 * lease: the lease poller leaves the runs the queue still holds to the
 * queue, so no more than N jobs are out at once, and each run's lines keep
 * the request that queued it. Real CLI, a real HTTP worker on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { echoProject, serve, stop, until } from './serving.js';

/** A worker answering each job after `delayMs`, counting the most it held at once. */
async function busyWorker(delayMs: number) {
  let held = 0;
  let most = 0;
  let answered = 0;
  const server: Server = createServer((req, res) => {
    req.resume().on('end', () => {
      most = Math.max(most, ++held);
      setTimeout(() => {
        held--;
        answered++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs`,
    most: () => most,
    answered: () => answered,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe.each(backends())('engine serve with a backlog longer than a lease ($name)', (b) => {
  it('keeps to --concurrency and to the request that queued each run', async () => {
    // echo-tools.greet is two jobs in a row: 4 runs take about 8 x 250 ms at one at a time,
    // several leases of 300 ms.
    const worker = await busyWorker(250);
    const fresh = await b.fresh();
    const data = fresh.url ? [] : ['--data', fresh.dataDir];
    const s = await serve(await echoProject(worker.url),
      [...data, '--concurrency', '1', '--lease-ms', '300', '--poll-ms', '100'],
      fresh.url ? { DATABASE_URL: fresh.url } : {});
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${s.url}/v1/runs`, { method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': `req-backlog-${i}` },
          body: JSON.stringify({ workflow_id: 'echo-tools.greet', input: { name: `n${i}` } }) });
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { run_id: string }).run_id);
      }
      await until('every run', async () => (worker.answered() >= 8 ? true : undefined));
      expect(worker.most()).toBe(1);
      await until('the last run line', async () => (ids.every((id) =>
        s.stderr().includes(`"run_id":"${id}","workflow_id"`)) ? true : undefined));
      const lines = s.stderr().split('\n').filter((l) => l.includes('"msg":"run succeeded"'))
        .map((l) => JSON.parse(l) as { run_id: string; request_id?: string });
      expect(ids.map((id) => lines.find((l) => l.run_id === id)?.request_id))
        .toEqual(ids.map((_, i) => `req-backlog-${i}`));
    } finally {
      await stop(s, 'SIGTERM');
      await worker.close();
    }
  });
});
