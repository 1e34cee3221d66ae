/**
 * `cordum engine serve --registry URL --deployment NAME`: the engine follows
 * a registry deployment. Changing the deployment in the registry changes the
 * engine's decisions, with a new snapshot hash, and no restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { CLI, publishSigned, ROOT, startRegistry, stopAll, type RunningRegistry }
  from '../helpers/cli.js';

interface Decision {
  decision: string;
  rule_id?: string;
  ruleId?: string;
  snapshot_hash?: string;
  snapshotHash?: string;
}

describe('an engine following a registry deployment', () => {
  let reg: RunningRegistry;
  let engine: ChildProcess;
  let engineUrl = '';
  const admin = () => ({ authorization: `Bearer ${reg.token}`,
    'content-type': 'application/json' });

  beforeAll(async () => {
    reg = await startRegistry(pgliteBackend);
    const work = await publishSigned(reg, ['echo-tools', 'ops-guard']
      .map((n) => join(ROOT, 'examples', 'packs', n)));
    const put = await fetch(`${reg.url}/v1/deployments/prod`, { method: 'PUT', headers: admin(),
      body: JSON.stringify({ packs: [{ id: 'echo-tools', range: '*' }] }) });
    expect(put.status).toBeLessThan(300);

    engine = spawn(process.execPath, [CLI, 'engine', 'serve', '--registry', reg.url,
      '--deployment', 'prod', '--port', '0', '--project', work, '--data', join(work, 'engine')],
    { env: { ...process.env, CORDUM_TOKEN: reg.token, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'] });
    engineUrl = await new Promise<string>((ok, fail) => {
      let err = '';
      const timer = setTimeout(() => fail(new Error(`engine did not start:\n${err}`)), 60_000);
      engine.stderr!.on('data', (c) => {
        err += c;
        const m = err.match(/engine listening on (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          ok(m[1]!);
        }
      });
      engine.on('exit', (code) => fail(new Error(`engine exited with ${code}:\n${err}`)));
    });
  });
  afterAll(async () => {
    engine?.kill('SIGTERM');
    await stopAll();
  });

  const decide = async (request: object): Promise<Decision> => {
    const res = await fetch(`${engineUrl}/v1/policy/decide`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    expect(res.status).toBe(200);
    return (await res.json()) as Decision;
  };
  const hashOf = (d: Decision) => d.snapshot_hash ?? d.snapshotHash;
  const ruleOf = (d: Decision) => d.rule_id ?? d.ruleId;

  it('swaps in the new policy when the deployment changes', async () => {
    const del = { tenantId: 'default', topic: 'job.ops-guard.delete', riskTags: ['destructive'] };
    const before = await decide(del);
    expect(before.decision).toBe('allow');
    const sandbox = await decide({ tenantId: 'sandbox', topic: 'job.echo-tools.echo' });
    expect(sandbox.decision).toBe('deny');
    expect(hashOf(sandbox)).toBe(hashOf(before));

    const put = await fetch(`${reg.url}/v1/deployments/prod`, { method: 'PUT', headers: admin(),
      body: JSON.stringify({ packs: [{ id: 'echo-tools', range: '*' },
        { id: 'ops-guard', range: '^1' }] }) });
    expect(put.status).toBeLessThan(300);

    let after = before;
    for (let i = 0; i < 60 && after.decision !== 'deny'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await decide(del);
    }
    expect(after.decision).toBe('deny');
    expect(ruleOf(after)).toBe('ops-guard-deny-delete');
    expect(hashOf(after)).not.toBe(hashOf(before));
    expect(engine.exitCode).toBeNull();
  });
});
