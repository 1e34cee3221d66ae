/**
 * `cordum engine serve --registry URL --deployment NAME`: the engine follows
 * a registry deployment. Changing the deployment in the registry changes the
 * engine's decisions, with a new snapshot hash, and no restart; it changes
 * the workflows new runs use too, while a run in flight keeps its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    // Who runs the deployment's jobs: the project's handlers file.
    writeFileSync(join(work, 'cordum.deployment.yaml'), HANDLERS);

    ({ child: engine, url: engineUrl } = await serveFollowing(reg, 'prod', work));
  });
  afterAll(async () => {
    engine?.kill('SIGTERM');
    await stopAll();
  });

  it('says in /readyz what it waits for while nothing has verified', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cordum-follow-none-'));
    writeFileSync(join(work, 'cordum.deployment.yaml'), HANDLERS);
    const lost = await serveFollowing(reg, 'prdo', work, ['--follow-ms', '200']);
    try {
      const ready = await fetch(`${lost.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not_ready', reason: 'no verified policy ' +
        'snapshot yet; the last reload failed: deployment_not_found: the registry ' +
        `${reg.url} has no deployment prdo: check --deployment (cordum_deployment's name)` });
    } finally {
      lost.child.kill('SIGTERM');
    }
  });

  const deploy = async (packs: object[]) => {
    const res = await fetch(`${reg.url}/v1/deployments/prod`, { method: 'PUT',
      headers: admin(), body: JSON.stringify({ packs }) });
    expect(res.status).toBeLessThan(300);
  };
  /** Waits until the engine runs `version` of echo-tools. */
  const following = async (version: string) => {
    for (let i = 0; i < 80; i++) {
      const status = (await (await fetch(`${engineUrl}/v1/policy/status`)).json()) as {
        source: { packs?: { id: string; version?: string }[] } };
      if (status.source.packs?.some((p) => p.id === 'echo-tools' && p.version === version)) {
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the engine never followed echo-tools ${version}`);
  };
  const post = async (path: string, body: object): Promise<RunAnswer> => {
    const res = await fetch(`${engineUrl}${path}`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as RunAnswer;
  };
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

  it('runs new runs with the new pack\'s workflow; a run in flight keeps its own', async () => {
    await publishSigned(reg, [variant('0.3.0', GREET_V3), variant('0.4.0', GREET_V4)]);
    await deploy([{ id: 'echo-tools', range: '0.3.0' }, { id: 'ops-guard', range: '^1' }]);
    await following('0.3.0');
    const start = { workflow_id: 'echo-tools.greet', input: { name: 'ana' } };
    const inFlight = await post('/v1/runs?wait=1', start);
    expect(inFlight.status).toBe('waiting');
    expect(inFlight.steps.map((s) => s.step_id)).toEqual(['ask', 'hello']);

    await deploy([{ id: 'echo-tools', range: '0.4.0' }, { id: 'ops-guard', range: '^1' }]);
    await following('0.4.0');
    const fresh = await post('/v1/runs?wait=1', start);
    expect(fresh.status).toBe('succeeded');
    expect(fresh.steps.map((s) => s.step_id)).toEqual(['hello']);
    expect(fresh.steps[0]!.output).toMatchObject({ echo: 'v4 hi, ana' });

    // The run started under 0.3.0 goes on with the workflow it started with.
    const done = await post(`/v1/runs/${inFlight.run_id}/steps/ask/input`,
      { data: { region: 'eu' } });
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((s) => s.step_id === 'hello')?.output)
      .toMatchObject({ echo: 'v3 hello, ana in eu' });
    expect(engine.exitCode).toBeNull();
  });

  it("runs the deployment's jobs as its tenant, and takes a change of tenant", async () => {
    const packs = [{ id: 'echo-tools', range: '0.4.0' }, { id: 'ops-guard', range: '^1' }];
    const res = await fetch(`${reg.url}/v1/deployments/prod`, { method: 'PUT',
      headers: admin(), body: JSON.stringify({ packs, tenant: 'acme' }) });
    expect(res.status).toBeLessThan(300);
    const start = { workflow_id: 'echo-tools.greet', input: { name: 'ana' } };
    let run: RunAnswer | undefined;
    for (let i = 0; i < 80 && run?.run.tenant_id !== 'acme'; i++) {
      run = await post('/v1/runs?wait=1', start);
      if (run.run.tenant_id !== 'acme') await new Promise((r) => setTimeout(r, 250));
    }
    expect(run?.run.tenant_id).toBe('acme');
    // Its jobs' policy requests carry the tenant, so rules for tenant acme apply to them.
    const shown = await (await fetch(`${engineUrl}/v1/runs/${run!.run_id}`)).json() as
      { steps: { decision?: { request?: { tenantId?: string } } }[] };
    expect(shown.steps[0]!.decision?.request?.tenantId).toBe('acme');
  });
});

/** `engine serve` following `deployment` of the registry, once it listens. */
async function serveFollowing(reg: RunningRegistry, deployment: string, work: string,
  flags: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'engine', 'serve', '--registry', reg.url,
    '--deployment', deployment, '--port', '0', '--project', work, '--data', join(work, 'engine'),
    ...flags], { env: { ...process.env, CORDUM_TOKEN: reg.token, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((ok, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`engine did not start:\n${err}`)), 60_000);
    child.stderr!.on('data', (c) => {
      err += c;
      const m = err.match(/engine listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.on('exit', (code) => fail(new Error(`engine exited with ${code}:\n${err}`)));
  });
  return { child, url };
}

interface RunAnswer {
  run_id: string;
  run: { tenant_id: string };
  status: string;
  steps: { step_id: string; status: string; output?: unknown }[];
}

const HANDLERS = `apiVersion: cordum.io/v1alpha1
kind: Deployment
metadata: { name: follow }
spec:
  handlers:
    - topics: ["job.echo-tools.*", "job.ops-guard.*"]
      builtin: echo
`;

const META = '    meta: { pack_id: echo-tools, capability: echo-tools.echo }\n';
const GREET_V3 = `id: echo-tools.greet
version: "0.3.0"
steps:
  ask:
    type: input
    name: Which region?
  hello:
    type: worker
    topic: job.echo-tools.echo
    depends_on: [ask]
    input: { message: "v3 hello, \${input.name} in \${steps.ask.output.region}" }
${META}`;
const GREET_V4 = `id: echo-tools.greet
version: "0.4.0"
steps:
  hello:
    type: worker
    topic: job.echo-tools.echo
    input: { message: "v4 hi, \${input.name}" }
${META}`;

/** The echo-tools example as another version, with another greet workflow. */
function variant(version: string, greet: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cordum-echo-')), 'echo-tools');
  cpSync(join(ROOT, 'examples', 'packs', 'echo-tools'), dir, { recursive: true });
  const manifest = readFileSync(join(dir, 'pack.yaml'), 'utf8');
  const bumped = manifest.replace(/version: 0\.2\.0/, `version: ${version}`);
  writeFileSync(join(dir, 'pack.yaml'), bumped);
  writeFileSync(join(dir, 'workflows', 'greet.yaml'), greet);
  return dir;
}
