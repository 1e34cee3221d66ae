/**
 * Objects the registry holds that this configuration did not write: a
 * deployment or policy bundle made elsewhere is never taken over by a
 * create, a rule the registry refuses for another bundle's sake is shown on
 * its own `rule` block, and an imported bundle holding what `rule` blocks
 * cannot express is not rewritten without it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installProvider,
  newKey,
  registryApi,
  tempDir,
  terraformAsync,
  terraformEnv,
  registryWithHelloPack,
  TF_HEAD as HEAD,
  type RunningRegistry,
} from '../helpers.js';

let registry: RunningRegistry;

/** A fresh folder with the provider installed, `main.tf` and an apply of it. */
async function apply(config: string) {
  const dir = tempDir('cordum-tf-objects-');
  installProvider(dir);
  writeFileSync(join(dir, 'main.tf'), HEAD + config);
  const env = terraformEnv(dir, registry);
  const init = await terraformAsync(dir, env, 'init', '-input=false', '-no-color');
  expect(init.code).toBe(0);
  return terraformAsync(dir, env, 'apply', '-input=false', '-no-color', '-auto-approve');
}

beforeAll(async () => {
  registry = await registryWithHelloPack();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

describe('objects that exist already', () => {
  it('a create never takes over a deployment or policy bundle made elsewhere', async () => {
    const api = registryApi(registry);
    const packs = [{ id: 'hello-pack', range: '^1.0.0' }];
    const made = await api.call('PUT', '/v1/deployments/taken', { description: 'theirs', packs });
    expect(made.status).toBe(200);
    const fragment = { version: 'v1', rules: [{ id: 'theirs', match: {}, decision: 'deny' }] };
    const bundle = await api.call('PUT', '/v1/deployments/taken/policy-bundles/guard', {
      fragment,
    });
    expect(bundle.status).toBe(200);
    const before = await api.call('GET', '/v1/deployments/taken');

    const dir = tempDir('cordum-tf-taken-');
    installProvider(dir);
    writeFileSync(join(dir, 'main.tf'), `${HEAD}
resource "cordum_deployment" "mine" {
  name        = "taken"
  description = "mine"
  pack {
    id    = "hello-pack"
    range = "^1.0.0"
  }
}

resource "cordum_policy_bundle" "mine" {
  deployment = "taken"
  name       = "guard"
  rule {
    id       = "mine"
    decision = "allow"
  }
}
`);
    const env = terraformEnv(dir, registry);
    expect((await terraformAsync(dir, env, 'init', '-input=false', '-no-color')).code).toBe(0);
    const apply = await terraformAsync(
      dir, env, 'apply', '-input=false', '-no-color', '-auto-approve', '-parallelism=1',
    );
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('deployment taken exists already');
    expect(apply.stderr).toContain('policy bundle guard exists on taken');
    expect(apply.stderr).toContain('terraform import');
    // Theirs, untouched; nothing of it in this state, so a destroy here cannot remove it.
    const after = await api.call('GET', '/v1/deployments/taken');
    expect(after.body.description).toBe('theirs');
    expect(after.body.generation).toBe(before.body.generation);
    const kept = await api.call('GET', '/v1/deployments/taken/policy-bundles/guard');
    expect(kept.body.fragment).toEqual(fragment);
    const state = await terraformAsync(dir, env, 'state', 'list');
    expect(state.stdout).not.toContain('cordum_deployment.mine');
    expect(state.stdout).not.toContain('cordum_policy_bundle.mine');
  });
});

describe('a key trusted already', () => {
  // The registry's 409 hint read "import it, or rename it", on the whole resource.
  it('says to import a live key added elsewhere, on public_key, and the import plans clean',
    async () => {
    const api = registryApi(registry);
    const key = newKey();
    const added = await api.call('POST', '/v1/keys', { public_key: key.publicPem });
    expect(added.status).toBe(201);
    const keyId = String(added.body.key_id);

    const dir = tempDir('cordum-tf-keytaken-');
    installProvider(dir);
    writeFileSync(join(dir, 'key.pem'), key.publicPem);
    writeFileSync(join(dir, 'main.tf'), `${HEAD}
resource "cordum_publisher_key" "k" {
  publisher  = "default"
  public_key = file("key.pem")
}
`);
    const env = terraformEnv(dir, registry);
    const tf = (...args: string[]) => terraformAsync(dir, env, ...args, '-no-color');
    expect((await tf('init', '-input=false')).code).toBe(0);
    const apply = await tf('apply', '-input=false', '-auto-approve');
    expect(apply.code).toBe(1);
    const said = apply.stderr.replace(/\s+/g, ' ');
    expect(said).toContain(`Key ${keyId} is already trusted by the registry`);
    expect(said).toContain(`terraform import <address> ${keyId}`);
    expect(said).not.toContain('rename it');
    expect(apply.stderr).toContain('public_key = file("key.pem")');

    expect((await tf('import', 'cordum_publisher_key.k', keyId)).code).toBe(0);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
  });
});

describe('a rule the registry refuses', () => {
  it('points at the rule block: an id another bundle of the deployment has', async () => {
    const api = registryApi(registry);
    const packs = [{ id: 'hello-pack', range: '^1.0.0' }];
    expect((await api.call('PUT', '/v1/deployments/shared-ids', { packs })).status).toBe(200);
    const theirs = { rules: [{ id: 'dup', decision: 'deny' }] };
    expect((await api.call('PUT', '/v1/deployments/shared-ids/policy-bundles/a',
      { fragment: theirs })).status).toBe(200);

    const r = await apply(`
resource "cordum_policy_bundle" "b" {
  deployment = "shared-ids"
  name       = "b"
  rule {
    id       = "fine"
    decision = "allow"
  }
  rule {
    id       = "dup"
    decision = "allow"
  }
}
`);
    expect(r.code).toBe(1);
    const said = r.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('rule id "dup" is in policy bundle a already');
    // The diagnostic names the second block's id, so Terraform quotes that line.
    expect(said).toContain('with cordum_policy_bundle.b,');
    expect(said).toContain('id = "dup"');
    expect(said).not.toContain('id = "fine"');
  });
});

describe('an imported bundle holding what rule blocks cannot', () => {
  it('refuses an update that would drop it, and lets a version line go', async () => {
    const api = registryApi(registry);
    const packs = [{ id: 'hello-pack', range: '^1.0.0' }];
    expect((await api.call('PUT', '/v1/deployments/mcp-held', { packs })).status).toBe(200);
    const fragment = { version: 'v1', rules: [
      { id: 'no-shell', match: { topics: ['job.*'], mcp: { deny_tools: ['shell'] } },
        decision: 'deny' },
      { id: 'ok', decision: 'allow' },
    ] };
    const put = (f: unknown) =>
      api.call('PUT', '/v1/deployments/mcp-held/policy-bundles/guard', { fragment: f });
    expect((await put(fragment)).status).toBe(200);

    const dir = tempDir('cordum-tf-mcp-');
    installProvider(dir);
    const config = (decision: string) => `${HEAD}
resource "cordum_policy_bundle" "guard" {
  deployment = "mcp-held"
  name       = "guard"
  rule {
    id       = "no-shell"
    decision = "deny"
    match {
      topics = ["job.*"]
    }
  }
  rule {
    id       = "ok"
    decision = "${decision}"
  }
}
`;
    writeFileSync(join(dir, 'main.tf'), config('deny'));
    const env = terraformEnv(dir, registry);
    const tf = (command: string, ...args: string[]) =>
      terraformAsync(dir, env, command, '-input=false', '-no-color', ...args);
    expect((await tf('init')).code).toBe(0);
    expect((await tf('import', 'cordum_policy_bundle.guard', 'mcp-held/guard')).code).toBe(0);

    const refused = await tf('plan');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Error: Policy Would Be Dropped');
    expect(refused.stderr).toContain('/rules/0/match/mcp');
    expect(refused.stderr).toContain('with cordum_policy_bundle.guard');
    const kept = await api.call('GET', '/v1/deployments/mcp-held/policy-bundles/guard');
    expect(kept.body.fragment).toEqual(fragment);

    // Without the MCP list only the version line is beyond the blocks: the update goes on.
    const plain = { version: 'v1', rules: [
      { id: 'no-shell', match: { topics: ['job.*'] }, decision: 'deny' },
      { id: 'ok', decision: 'allow' },
    ] };
    expect((await put(plain)).status).toBe(200);
    const applied = await tf('apply', '-auto-approve');
    expect(applied.code, applied.stderr).toBe(0);
    const now = await api.call('GET', '/v1/deployments/mcp-held/policy-bundles/guard');
    expect((now.body.fragment as { rules: { decision: string }[] }).rules[1]!.decision)
      .toBe('deny');
  });
});
