/**
 * The CDKTF bindings in examples/cdktf/.gen are what the generator makes
 * from the provider's current schema, and the example app synthesizes into
 * a configuration that real terraform applies, plans clean and destroys, the
 * registry holding what the state records and letting go of it all after.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installProvider,
  newKey,
  ROOT,
  signedPackDir,
  startRegistry,
  tempDir,
  terraform,
  terraformEnv,
  type RunningRegistry,
} from '../helpers.js';

const GEN = join(ROOT, 'examples', 'cdktf', '.gen');

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

describe('CDKTF bindings', () => {
  it('match what the generator makes from the provider schema today', () => {
    const out = tempDir('cordum-cdktf-gen-');
    const r = spawnSync(process.execPath, [join(ROOT, 'provider', 'cdktf', 'generate.mjs'), out], {
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const fresh = files(out);
    const kept = files(GEN);
    expect([...kept.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, text] of fresh) expect(kept.get(name), name).toBe(text);
  });

  it('synthesize the example app into a configuration terraform applies', async () => {
    const dir = tempDir('cordum-cdktf-app-');
    const build = join(dir, 'build');
    mkdirSync(build);
    const key = newKey();
    writeFileSync(join(dir, 'cordum.pub'), key.publicPem);
    for (const pack of ['echo-tools', 'ops-guard']) {
      await signedPackDir(join(ROOT, 'examples', 'packs', pack), key, build);
    }
    const outdir = join(dir, 'cdktf.out');
    const synth = spawnSync(process.execPath, [join(ROOT, 'examples', 'cdktf', 'synth.mjs')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CDKTF_OUTDIR: outdir,
        CORDUM_BUILD_DIR: build,
        CORDUM_PUBLIC_KEY: join(dir, 'cordum.pub'),
      },
    });
    expect(synth.status, synth.stderr).toBe(0);

    const work = join(dir, 'work');
    mkdirSync(work);
    copyFileSync(join(outdir, 'stacks', 'cordum', 'cdk.tf.json'), join(work, 'cdk.tf.json'));
    installProvider(work);
    const env = terraformEnv(work, registry);
    expect(terraform(work, env, 'init', '-input=false', '-no-color').code).toBe(0);
    const apply = terraform(work, env, 'apply', '-input=false', '-no-color', '-auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toContain('Apply complete! Resources: 6 added, 0 changed, 0 destroyed.');
    const out = JSON.parse(terraform(work, env, 'output', '-json').stdout) as Record<
      string,
      { value: unknown }
    >;
    expect(out.delete_decision!.value).toBe('deny');
    expect(out.ops_guard_signer!.value).toBe(key.keyId);
    expect(out.catalog_size!.value).toBe(2);
    expect(
      terraform(work, env, 'plan', '-input=false', '-no-color', '-detailed-exitcode').code,
    ).toBe(0);
    const state = JSON.parse(terraform(work, env, 'show', '-json').stdout) as { values: {
      root_module: { resources: { address: string; values: Record<string, unknown> }[] } } };
    const value = (address: string, key: string) =>
      state.values.root_module.resources.find((r) => r.address === address)?.values[key];
    const tokenId = String(value('cordum_token.ci_token', 'id'));
    const get = (path: string) => fetch(`${registry.url}${path}`,
      { headers: { authorization: `Bearer ${registry.token}` } });
    // What terraform recorded is what the registry holds.
    const deployment = (await (await get('/v1/deployments/prod')).json()) as {
      packs: { id: string; version: string }[] };
    expect(deployment.packs.map((p) => `${p.id}@${p.version}`).sort())
      .toEqual(['echo-tools@0.2.0', 'ops-guard@1.0.0']);
    expect((await get(`/v1/tokens/${tokenId}`)).status).toBe(200);

    const destroy = terraform(work, env, 'destroy', '-input=false', '-no-color', '-auto-approve');
    expect(destroy.stdout).toContain('Destroy complete! Resources: 6 destroyed.');
    // And after the destroy: nothing in state, and the registry let go of each object.
    expect(terraform(work, env, 'state', 'list').stdout.trim()).toBe('');
    expect((await get('/v1/deployments/prod')).status).toBe(404);
    expect((await get('/v1/deployments/prod/policy-bundles/change-freeze')).status).toBe(404);
    expect((await get(`/v1/tokens/${tokenId}`)).status).toBe(404);
    for (const v of ['echo-tools/versions/0.2.0', 'ops-guard/versions/1.0.0']) {
      expect(await (await get(`/v1/packs/${v}/yank`)).json()).toMatchObject({ yanked: true });
    }
    const revoked = await get(`/v1/keys/${key.keyId}/revocation`);
    expect(await revoked.json()).toMatchObject({ revoked: true });
  });
});
