/**
 * A followed registry that goes down, comes back, and goes down again: each
 * outage is said in the log (a refusal is said once per outage, not once per
 * process), and so is the recovery between them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { composeSnapshot } from '../../engine/kernel/deployment_snapshot.js';
import { DeploymentFollower } from '../../engine/kernel/follow.js';
import { RegistryDeploymentSource } from '../../engine/kernel/registry_source.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const EMPTY = composeSnapshot([], []).hash;
const VIEW = { name: 'prod', tenant: 'default', generation: 1, snapshot_hash: EMPTY,
  packs_snapshot_hash: EMPTY, packs: [] };

let k: TestKernel;
let server: Server;
let url: string;
let down = false;

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend);
  // Down: every connection is cut before an answer, as a registry restarting cuts them.
  server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const body = req.url === '/v1/deployments/prod' ? VIEW : { bundles: [] };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await k?.close();
});

describe('a followed registry down twice', () => {
  it('logs each outage and the recovery between them', async () => {
    const lines: string[] = [];
    const source = new RegistryDeploymentSource({ url, deployment: 'prod' });
    const follower = new DeploymentFollower(source, k.kernel,
      { log: (level, msg) => lines.push(`${level} ${msg}`) });
    expect((await follower.pollOnce()).kind).toBe('swapped');

    const outcomes = [];
    for (const state of [true, true, false, false, true, false]) {
      down = state;
      outcomes.push(await follower.pollOnce());
    }
    await follower.stop();

    expect(outcomes.map((o) => o.kind)).toEqual(['refused', 'refused', 'unchanged',
      'unchanged', 'refused', 'unchanged']);
    // What happened, from fetch's cause: fetch itself says only "fetch failed".
    expect(outcomes[0]).toEqual({ kind: 'refused', code: 'deployment_unreachable',
      message: `GET ${url}/v1/deployments/prod: other side closed` });
    const refused = 'warn policy snapshot refused; the last good one keeps running';
    const back = 'info policy reloads go through again; the deployment is as taken';
    expect(lines).toEqual(['info policy snapshot active', refused, back, refused, back]);
  });
});
