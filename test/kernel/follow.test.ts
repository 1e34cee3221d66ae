/**
 * Hot reload through the real registry: the engine follows a deployment,
 * an operator changes it while decisions run, and every decision matches
 * exactly one whole snapshot. A pack signed by an untrusted key is refused
 * and the last good snapshot keeps deciding; rollback brings back any
 * kept version. No restart anywhere.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { ADMIN_TOKEN, registeredKey, signedFixture, startTestRegistry, type TestRegistry }
  from '../registry/helpers.js';
import { DeploymentFollower } from '../../engine/kernel/follow.js';
import { activeContentsKey } from '../../engine/kernel/pack_contents.js';
import { RegistryDeploymentSource } from '../../engine/kernel/registry_source.js';
import type { KernelDecision } from '../../engine/kernel/kernel.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { openKernel } from '../../engine/kernel/wiring.js';
import { startRouteServer } from '../../engine/kernel/http_server.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const X = { topic: 'job.hello-pack.echo', packId: 'hello-pack' };
const Y = { topic: 'job.hello-pack.other', packId: 'hello-pack' };
const FREEZE = {
  rules: [
    { id: 'freeze-echo', match: { topics: ['job.hello-pack.echo'] }, decision: 'deny' },
    { id: 'gate-other', match: { topics: ['job.hello-pack.other'] }, decision: 'require_approval' },
  ],
};

let reg: TestRegistry;
let key: KeyPair;
let k: TestKernel;

async function put(path: string, body: unknown) {
  const res = await fetch(`${reg.url}${path}`, { method: 'PUT', body: JSON.stringify(body),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as { snapshot_hash: string; generation: number };
}

beforeAll(async () => {
  reg = await startTestRegistry(pgliteBackend);
  key = await registeredKey(reg);
  const pack = await signedFixture('hello-pack', key);
  await reg.admin.publish(pack.tgz, pack.bundle);
  await put('/v1/deployments/prod', { packs: [{ id: 'hello-pack', range: '^0.1.0' }] });
  k = await openTestKernel(pgliteBackend);
});

afterAll(async () => {
  await k?.close();
  await reg?.close();
});

function follower(trusted?: KeyPair) {
  const source = new RegistryDeploymentSource({ url: reg.url, deployment: 'prod',
    token: ADMIN_TOKEN, bundles: ['freeze'],
    ...(trusted ? { trustedKeys: new Map([[trusted.keyId, trusted.publicPem]]) } : {}) });
  return new DeploymentFollower(source, k.kernel);
}

describe('following a registry deployment', () => {
  it('swaps a changed deployment in while decisions run, never half of it', async () => {
    const f = follower(key);
    const first = await f.pollOnce();
    expect(first.kind).toBe('swapped');
    const h1 = k.kernel.current().snapshot.hash;
    expect((await f.pollOnce()).kind).toBe('unchanged');

    const seen: KernelDecision[][] = [];
    let running = true;
    const loop = (async () => {
      for (let i = 0; running && i < 1_000_000; i++) {
        seen.push([k.kernel.decide(X), k.kernel.decide(Y)], k.kernel.decideBatch([X, Y]));
        if (i % 20 === 0) await tick();
      }
    })();
    await put('/v1/deployments/prod/policy-bundles/freeze', { fragment: FREEZE });
    const saved = (await (await fetch(`${reg.url}/v1/deployments/prod`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { snapshot_hash: string };
    const second = await f.pollOnce();
    await tick();
    for (let i = 0; i < 50; i++) await tick();
    running = false;
    await loop;

    expect(second).toMatchObject({ kind: 'swapped', hash: saved.snapshot_hash });
    const h2 = saved.snapshot_hash;
    expect(h2).not.toBe(h1);
    const byHash = new Map<string, Set<string>>();
    for (const d of seen.flat()) {
      const set = byHash.get(d.snapshotHash) ?? new Set<string>();
      set.add(`${d.ruleId}:${d.decision}`);
      byHash.set(d.snapshotHash, set);
    }
    expect([...byHash.keys()].sort()).toEqual([h1, h2].sort());
    const count = (h: string) => seen.flat().filter((d) => d.snapshotHash === h).length;
    // Decisions ran on both sides of the swap, while the registry and the poll did their work.
    expect(count(h1)).toBeGreaterThan(40);
    expect(count(h2)).toBeGreaterThan(40);
    expect([...byHash.get(h1)!]).toEqual(['hello-pack-allow:allow']);
    expect([...byHash.get(h2)!].sort()).toEqual(['freeze-echo:deny',
      'gate-other:require_approval']);
    // A pair decided in one batch always comes from one snapshot.
    for (const pair of seen) expect(pair[0]!.snapshotHash).toBe(pair[1]!.snapshotHash);
    expect(k.kernel.status()).toMatchObject({ hash: h2, reloads: 2 });
  });

  it('says a deployment the registry does not have is not found', async () => {
    const source = new RegistryDeploymentSource({ url: reg.url, deployment: 'prdo',
      token: ADMIN_TOKEN });
    const outcome = await new DeploymentFollower(source, k.kernel).pollOnce();
    expect(outcome).toMatchObject({ kind: 'refused', code: 'deployment_not_found',
      message: expect.stringContaining('has no deployment prdo: check --deployment') });
  });

  it('refuses a pack signed by an untrusted key and keeps the last good snapshot', async () => {
    const good = k.kernel.current();
    const stranger = await registeredKey(reg);
    const v2 = await signedFixture('hello-pack', stranger, { version: '0.1.1' });
    await reg.admin.publish(v2.tgz, v2.bundle);
    await put('/v1/deployments/prod', { packs: [{ id: 'hello-pack', range: '^0.1.0' }] });

    const lines: string[] = [];
    const source = new RegistryDeploymentSource({ url: reg.url, deployment: 'prod',
      token: ADMIN_TOKEN, bundles: ['freeze'],
      trustedKeys: new Map([[key.keyId, key.publicPem]]) });
    const watched = new DeploymentFollower(source, k.kernel,
      { log: (level, msg) => lines.push(`${level} ${msg}`) });
    const outcome = await watched.pollOnce();
    expect(outcome).toMatchObject({ kind: 'refused', code: 'snapshot_unverified' });
    // Tried at every poll, said once: a broken deployment does not flood the log.
    for (let i = 0; i < 3; i++) {
      expect(await watched.pollOnce()).toMatchObject({ kind: 'refused' });
    }
    expect(lines).toEqual(['warn policy snapshot refused; the last good one keeps running']);
    expect(k.kernel.current()).toBe(good);
    expect(k.kernel.decide(X)).toMatchObject({ decision: 'deny',
      snapshotHash: good.snapshot.hash });
    expect(k.kernel.status().lastError?.code).toBe('snapshot_unverified');
  });

  it('keeps every snapshot and rolls back to a kept version', async () => {
    const history = await k.kernel.history.list();
    expect(history.map((h) => h.version)).toEqual([3, 2, 1]);
    expect(history[0]!.source).toMatchObject({ kind: 'deployment', deployment: 'prod',
      bundles: [{ name: 'freeze', version: 1 }] });
    const v2 = history.find((h) => h.version === 2)!;
    const back = await k.kernel.rollback(2);
    expect(back).toMatchObject({ version: 4, source: { kind: 'rollback', restored: 2 } });
    expect(k.kernel.decide(X)).toMatchObject({ decision: 'allow', snapshotHash: v2.hash,
      snapshotVersion: 4 });
    await expect(k.kernel.rollback(99)).rejects.toMatchObject({ code: 'version_not_found' });
    // The follower does not undo a rollback while the deployment stays as it was.
    const f = follower();
    expect((await f.pollOnce()).kind).toBe('swapped');
    await k.kernel.rollback(2);
    expect((await f.pollOnce()).kind).toBe('unchanged');
    expect(k.kernel.current().snapshot.hash).toBe(v2.hash);
  });

  it('wires a following kernel for serve: first poll before serving, routes mounted', async () => {
    const lines: string[] = [];
    const log = { info: (m: string, f?: object) => lines.push(JSON.stringify({ m, ...f })),
      warn: (m: string, f?: object) => lines.push(JSON.stringify({ m, ...f })),
      debug: () => undefined, error: () => undefined, child: () => log, enabled: () => true };
    // A changed deployment (the rollback above holds while it stays as it was).
    await put('/v1/deployments/prod', { packs: [{ id: 'hello-pack', range: '>=0.1.0' }] });
    const parts = await openKernel({ db: k.db, record: false, log,
      // No bundle names given (serve has none to give): the registry lists them.
      registry: { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod', intervalMs: 50 } });
    const server = await startRouteServer(parts.routes);
    try {
      const status = await (await fetch(`${server.url}/v1/policy/status`)).json();
      // The deployment now pins 0.1.1, signed by a key the registry holds: this wiring
      // trusts registry keys whose id is the pinned one, so it is taken.
      expect(status).toMatchObject({ source: { kind: 'deployment', deployment: 'prod',
        packs: [{ id: 'hello-pack', version: '0.1.1' }], bundles: [{ name: 'freeze' }] } });
      expect(lines.some((l) => l.includes('policy snapshot active'))).toBe(true);
      expect(parts.ready()).toBe(true);
    } finally {
      await server.close();
      await parts.close();
    }
  });

  it('fails closed with nothing verified yet, and a restart keeps the last good snapshot',
    async () => {
    // Keys that sign nothing here: no snapshot of prod can be verified.
    const keys = mkdtempSync(join(tmpdir(), 'cordum-follow-keys-'));
    const stranger = generateKeyPair();
    writeFileSync(join(keys, `${stranger.keyId}.pem`), stranger.publicPem);
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod', keysDir: keys,
      intervalMs: 60_000 };

    const fresh = await openTestKernel(pgliteBackend);
    const blind = await openKernel({ db: fresh.db, record: false, registry });
    const server = await startRouteServer(blind.routes);
    try {
      const decide = await fetch(`${server.url}/v1/policy/decide`, { method: 'POST',
        body: JSON.stringify(X) });
      expect(decide.status).toBe(503);
      const problem = (await decide.json()) as { code: string; detail: string };
      expect(problem.code).toBe('snapshot_unavailable');
      expect(problem.detail).toContain('snapshot_unverified');
      // An empty batch too: its answer would name a snapshot nobody verified.
      const batch = await fetch(`${server.url}/v1/policy/decide-batch`, { method: 'POST',
        body: JSON.stringify({ requests: [] }) });
      expect(batch.status).toBe(503);
      expect(((await batch.json()) as { code: string }).code).toBe('snapshot_unavailable');
      expect(blind.kernel.ready()).toBe(false);
      expect(blind.kernel.status()).toMatchObject({ awaiting: true, rules: 0 });
      // No snapshot to name in the metrics either (the empty one is not in force).
      const metrics = await blind.metrics.registry.metrics();
      expect(metrics).toContain('cordum_policy_reload_failing 1');
      expect(metrics).not.toContain('cordum_policy_snapshot_info{');
      // Only the row the test kernel itself opened with: nothing made up was kept.
      expect((await blind.kernel.history.list()).map((h) => h.source.kind)).toEqual(['empty']);
    } finally {
      await server.close();
      await blind.close();
      await fresh.close();
    }

    // This database has taken prod before: a restart decides with the last snapshot taken.
    const kept = await k.kernel.history.list();
    const rows = kept.length;
    // The newest row: the serve wiring above took prod's 0.1.1 on this database.
    expect(kept[0]!.source).toMatchObject({ kind: 'deployment', deployment: 'prod' });
    const restarted = await openKernel({ db: k.db, record: false, registry });
    try {
      expect(restarted.kernel.ready()).toBe(true);
      // It decides, but is not ready to serve: the workflows come with the registry's verify.
      expect(restarted.ready()).toBe(false);
      expect(restarted.kernel.decide(X).snapshotHash).toBe(kept[0]!.hash);
      expect(restarted.kernel.current().version).toBe(kept[0]!.version);
      expect(restarted.kernel.status().lastError?.code).toBe('snapshot_unverified');
      // Twice more: no row is added for a snapshot already kept.
      const again = await openKernel({ db: k.db, record: false, registry });
      await again.close();
      expect((await k.kernel.history.list()).length).toBe(rows);
    } finally {
      await restarted.close();
    }
  });

  it('keeps a rollback across a restart while the deployment stays, until it changes',
    async () => {
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod', intervalMs: 60_000 };
    const first = await openKernel({ db: k.db, record: false, registry });
    const taken = first.kernel.current();
    const older = (await first.kernel.history.list())
      .find((h) => h.hash !== taken.snapshot.hash && h.source.kind === 'deployment')!;
    // A snapshot this deployment never gave (the test kernel's first, empty one) cannot run
    // here: its workflows could not be fetched.
    const empty = (await first.kernel.history.list()).find((h) => h.source.kind === 'empty')!;
    await expect(first.kernel.rollback(empty.version)).rejects.toMatchObject({
      code: 'request_invalid', message: `version ${empty.version} came from a snapshot of ` +
        'kind "empty", not from deployment prod: an engine following prod rolls back only to ' +
        'snapshots it took from it (cordum policy history lists their sources)' });
    const back = await first.kernel.rollback(older.version);
    // The rollback's own pack versions are staged (fetched by the digests it recorded),
    // not the newest deployment's: until then the engine starts no run.
    const kept = older.source.packs!.map((p) => ({ id: p.id, version: p.version }));
    for (let i = 0; i < 100 && !first.ready(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(first.ready()).toBe(true);
    expect(first.contents!.forKey(activeContentsKey(first.kernel.current()))!.packs)
      .toEqual(kept);
    expect(kept).not.toEqual(first.contents!.forKey(activeContentsKey(taken))!.packs);
    await first.close();

    const restarted = await openKernel({ db: k.db, record: false, registry });
    try {
      expect(restarted.kernel.current()).toMatchObject({ version: back.version,
        source: { kind: 'rollback', restored: older.version } });
      expect(restarted.kernel.decide(X).snapshotHash).toBe(older.hash);
      // The rollback's own packs' workflows came with the first poll, so it serves at once.
      expect(restarted.ready()).toBe(true);
      expect(restarted.contents!.forKey(activeContentsKey(restarted.kernel.current()))!.packs)
        .toEqual(kept);
      expect((await restarted.kernel.history.list())[0]!.version).toBe(back.version);
      // A failure shown before is over once the registry answers again with nothing new.
      restarted.kernel.reloadFailed({ code: 'deployment_unreachable', message: 'down' });
      expect(await restarted.follower!.pollOnce()).toEqual({ kind: 'unchanged' });
      expect(restarted.kernel.status().lastError).toBeUndefined();
      // The deployment changes: the rollback gives way.
      await put('/v1/deployments/prod/policy-bundles/freeze', { fragment: {
        rules: [{ id: 'freeze-all', match: { topics: ['job.hello-pack.*'] }, decision: 'deny' }],
      } });
      expect(await restarted.follower!.pollOnce()).toMatchObject({ kind: 'swapped' });
      expect(restarted.kernel.decide(X)).toMatchObject({ ruleId: 'freeze-all' });
    } finally {
      await restarted.close();
    }
  });
});

