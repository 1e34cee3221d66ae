/**
 * Values Terraform knows only at apply, and values the registry would refuse
 * or rewrite, through the real terraform binary: a plan must promise only
 * what the apply then makes (no "inconsistent final plan" or "inconsistent
 * result after apply"), and what can be checked at plan time is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installProvider,
  newKey,
  registryApi,
  signedPack,
  startRegistry,
  tempDir,
  terraformAsync,
  terraformEnv,
  type RunningRegistry,
} from '../helpers.js';

const HEAD = `
terraform {
  required_providers {
    cordum = { source = "cordum.local/cordum/cordum", version = "0.1.0" }
  }
}
`;

let registry: RunningRegistry;

/** A fresh folder with the provider installed and `main.tf`, initialised. */
async function workspace(config: string) {
  const dir = tempDir('cordum-tf-unknowns-');
  installProvider(dir);
  writeFileSync(join(dir, 'main.tf'), HEAD + config);
  const env = terraformEnv(dir, registry);
  expect((await terraformAsync(dir, env, 'init', '-input=false', '-no-color')).code).toBe(0);
  const tf = (...args: string[]) => terraformAsync(dir, env, ...args, '-input=false', '-no-color');
  return { dir, env, tf };
}

beforeAll(async () => {
  registry = await startRegistry();
  const api = registryApi(registry);
  const key = newKey();
  await api.call('POST', '/v1/keys', { public_key: key.publicPem });
  const out = tempDir('cordum-unknowns-');
  expect(await api.publish(await signedPack('hello-pack', '1.0.0', key, out))).toBe(201);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

describe('values known only at apply', () => {
  it('a rule topic and a deployment name from another resource apply, then plan clean', async () => {
    const { tf } = await workspace(`
resource "terraform_data" "names" {
  input = { deployment = "late", topic = "job.hello-pack.*" }
}

resource "cordum_deployment" "late" {
  name = terraform_data.names.output.deployment
  pack {
    id    = "hello-pack"
    range = "^1.0.0"
  }
}

resource "cordum_policy_bundle" "late" {
  deployment = cordum_deployment.late.name
  name       = "guard"
  rule {
    id       = "gate"
    decision = "require_approval"
    match {
      topics = [terraform_data.names.output.topic]
    }
  }
}
`);
    const apply = await tf('apply', '-auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
    const bundle = await registryApi(registry).call('GET',
      '/v1/deployments/late/policy-bundles/guard');
    expect(bundle.body.fragment).toMatchObject({ rules: [{ id: 'gate',
      match: { topics: ['job.hello-pack.*'] } }] });
  });
});
