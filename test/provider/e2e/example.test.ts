/**
 * examples/terraform applies as the tour in docs/terraform.md says: the
 * packs of examples/packs built and signed, the provider installed, then
 * init, apply, a clean plan and destroy against a registry started here.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

let registry: RunningRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  registry = await startRegistry();
  dir = tempDir('cordum-tf-example-');
  const build = join(dir, 'build');
  mkdirSync(build);
  const key = newKey();
  writeFileSync(join(dir, 'cordum.pub'), key.publicPem);
  for (const pack of ['echo-tools', 'ops-guard']) {
    await signedPackDir(join(ROOT, 'examples', 'packs', pack), key, build);
  }
  copyFileSync(join(ROOT, 'examples', 'terraform', 'main.tf'), join(dir, 'main.tf'));
  // As inside this repository: the provider must start in a "type": "module" project too.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  installProvider(dir);
  env = {
    ...terraformEnv(dir, registry),
    TF_VAR_build_dir: build,
    TF_VAR_public_key: join(dir, 'cordum.pub'),
  };
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

describe.sequential('examples/terraform', () => {
  it('applies in one run, publishing and deploying the example packs', () => {
    expect(terraform(dir, env, 'init', '-input=false', '-no-color').code).toBe(0);
    const apply = terraform(dir, env, 'apply', '-input=false', '-no-color', '-auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const out = JSON.parse(terraform(dir, env, 'output', '-json').stdout) as Record<
      string,
      { value: unknown }
    >;
    expect(out.deployed!.value).toEqual({ 'echo-tools': '0.2.0', 'ops-guard': '1.0.0' });
    expect(out.delete_decision!.value).toBe('deny (ops-guard-deny-delete)');
    expect(out.catalog!.value).toEqual(['echo-tools@0.2.0', 'ops-guard@1.0.0']);
    expect(String(out.snapshot_hash!.value)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('plans clean, then destroys', () => {
    const plan = terraform(dir, env, 'plan', '-input=false', '-no-color', '-detailed-exitcode');
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    const destroy = terraform(dir, env, 'destroy', '-input=false', '-no-color', '-auto-approve');
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 6 destroyed.');
  });
});
