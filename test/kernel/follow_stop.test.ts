/**
 * An engine following a deployment while the registry hangs: stopping
 * aborts the poll in flight rather than wait it out (30 s for the
 * deployment, 60 s for each pack) and does not report the abort as a
 * refused reload; starting waits for the first poll only a while.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { DeploymentFollower } from '../../engine/kernel/follow.js';
import { openKernel } from '../../engine/kernel/wiring.js';
import { RegistryDeploymentSource } from '../../engine/kernel/registry_source.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const VIEW = {
  name: 'prod', tenant: 'default', generation: 1, snapshot_hash: 'sha256:00',
  packs_snapshot_hash: 'sha256:00',
  packs: [{ id: 'hello-pack', range: '0.1.0', version: '0.1.0', sha256: 'a'.repeat(64),
    key_id: 'b'.repeat(64) }],
};

let k: TestKernel;
let server: Server;
let url: string;
/** Requests the registry received, and the paths it answers rather than holds. */
const seen: IncomingMessage[] = [];
let answered = new Set<string>();
/** Paths whose answer starts and then stops, never ending. */
let started = new Set<string>();

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend);
  // A registry that answers the paths it is told to and holds every other request open.
  server = createServer((req, res) => {
    seen.push(req);
    if (answered.has(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(VIEW));
    } else if (started.has(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"name":');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await k?.close();
});

async function stopWhileHanging(path: string): Promise<{ ms: number; lines: string[] }> {
  seen.length = 0;
  const lines: string[] = [];
  const source = new RegistryDeploymentSource({ url, deployment: 'prod' });
  const follower = new DeploymentFollower(source, k.kernel,
    { log: (level, msg) => lines.push(`${level} ${msg}`) });
  const polled = follower.pollOnce();
  while (!seen.some((r) => r.url?.startsWith(path))) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const start = performance.now();
  await follower.stop();
  const ms = performance.now() - start;
  await polled;
  return { ms, lines };
}

describe('stopping a follower while the registry hangs', () => {
  // Each test looks at the failure its own poll reports.
  beforeEach(() => k.kernel.reloadRecovered());

  it('says a registry that does not answer in time', async () => {
    answered = new Set();
    const source = new RegistryDeploymentSource({ url, deployment: 'prod', timeoutMs: 200 });
    const follower = new DeploymentFollower(source, k.kernel);
    expect(await follower.pollOnce()).toEqual({ kind: 'refused', code: 'deployment_unreachable',
      message: `GET ${url}/v1/deployments/prod: no answer within 200 ms` });
    await follower.stop();
  });

  it('says an answer that starts and never ends', async () => {
    answered = new Set();
    started = new Set(['/v1/deployments/prod']);
    const source = new RegistryDeploymentSource({ url, deployment: 'prod', timeoutMs: 200 });
    const follower = new DeploymentFollower(source, k.kernel);
    expect(await follower.pollOnce()).toEqual({ kind: 'refused', code: 'deployment_unreachable',
      message: `GET ${url}/v1/deployments/prod: the answer did not end within 200 ms` });
    await follower.stop();
    started = new Set();
  });

  it('aborts a deployment read in flight', async () => {
    answered = new Set();
    const { ms, lines } = await stopWhileHanging('/v1/deployments/prod');
    expect(ms).toBeLessThan(2000);
    expect(lines).toEqual([]);
    expect(k.kernel.status().lastError).toBeUndefined();
  }, 15_000);

  it('aborts a pack download in flight', async () => {
    answered = new Set(['/v1/deployments/prod']);
    const { ms, lines } = await stopWhileHanging('/v1/packs/hello-pack/versions/0.1.0/tarball');
    expect(ms).toBeLessThan(2000);
    expect(lines).toEqual([]);
    expect(k.kernel.status().lastError).toBeUndefined();
  }, 15_000);

  it('serves without waiting out a first poll the registry does not answer', async () => {
    answered = new Set();
    const start = performance.now();
    const parts = await openKernel({ db: k.db, record: false,
      registry: { url, deployment: 'prod', firstPollWaitMs: 200 } });
    try {
      expect(performance.now() - start).toBeLessThan(3000);
      // Nothing verified yet: it serves, failing closed, while the poll goes on.
      expect(parts.kernel.status()).toMatchObject({ awaiting: true });
      expect(parts.ready()).toBe(false);
    } finally {
      await parts.close();
    }
  }, 15_000);
});
