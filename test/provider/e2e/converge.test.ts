/**
 * Configurations that used to plan forever or fail to plan: the same thing
 * spelt another way (a key's PEM text, a tarball's files moved) must not
 * replace it, pack blocks known only at apply must plan, and a tenant
 * changed outside Terraform must show as drift when the config leaves it
 * to its default.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newKey,
  registryApi,
  registryWithHelloPack,
  type RunningRegistry,
  signedPack,
  tfWorkspace,
} from '../helpers.js';

let registry: RunningRegistry;

beforeAll(async () => {
  registry = await registryWithHelloPack();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

const workspace = (prefix: string) => tfWorkspace(registry, prefix);

/** A workspace, and a new key the registry trusts to publish with. */
async function keyedWorkspace(prefix: string) {
  const space = await workspace(prefix);
  const api = registryApi(registry);
  const key = newKey();
  await api.call('POST', '/v1/keys', { public_key: key.publicPem });
  return { ...space, api, key };
}

describe('plans that converge', () => {
  it('moves a deployment to the pack version that replaced the one it ran', async () => {
    const { dir, tf, write, api, key } = await keyedWorkspace('cordum-tf-bump-');
    const [v1, v2] = [await signedPack('github', '1.0.0', key, dir),
      await signedPack('github', '1.1.0', key, dir)];
    // The pack id from the version resource, as docs/limitations.md advises.
    const config = (tarball: string) => `resource "cordum_pack_version" "p" {
  tarball = "${tarball}"
}

resource "cordum_deployment" "d" {
  name = "bump"
  pack {
    id    = cordum_pack_version.p.published_pack_id
    range = "^1.0.0"
  }
}
`;
    write(config(v1.tarball));
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    write(config(v2.tarball));
    const apply = await tf('apply', '-auto-approve');
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('1 added, 1 changed, 1 destroyed');
    const deployed = await api.call('GET', '/v1/deployments/bump');
    expect(deployed.body.packs).toMatchObject([{ id: 'github', version: '1.1.0',
      sha256: v2.sha256 }]);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
  }, 120_000);

  it('keeps a deployment on a yanked version when nothing else matches, with a warning',
    async () => {
      const { dir, tf, write, api, key } = await keyedWorkspace('cordum-tf-yankedpin-');
      expect(await api.publish(await signedPack('demo-guardrails', '5.0.0', key, dir))).toBe(201);
      write(`resource "cordum_deployment" "d" {
  name = "yankedpin"
  pack {
    id    = "demo-guardrails"
    range = "^5.0.0"
  }
}
`);
      expect((await tf('apply', '-auto-approve')).code).toBe(0);
      await api.call('PUT', '/v1/packs/demo-guardrails/versions/5.0.0/yank', { yanked: true });
      const plan = await tf('plan', '-detailed-exitcode');
      expect(plan.code, plan.stderr).toBe(0);
      expect((plan.stdout + plan.stderr).replace(/\s+/g, ' ')).toContain(
        'demo-guardrails@5.0.0 is yanked, and no other live version of demo-guardrails ' +
        'satisfies "^5.0.0": the deployment stays on it.');

      // Any write names the yanked version, which the registry refuses: said at plan, on the
      // range, not by a failed apply after a plan that showed the update.
      write(`resource "cordum_deployment" "d" {
  name        = "yankedpin"
  description = "changed"
  pack {
    id    = "demo-guardrails"
    range = "^5.0.0"
  }
}
`);
      const change = await tf('plan');
      expect(change.code).toBe(1);
      expect(change.stderr).toContain('Error: Deployment Runs A Yanked Version');
      expect(change.stderr).toContain('range = "^5.0.0"');
      expect(change.stderr.replace(/\s+/g, ' ')).toContain('The registry refuses to save a ' +
        'deployment on a yanked version, so this change cannot be applied');
    }, 120_000);

  // The registry keeps scopes as a set: listing them in another order replaced the token,
  // revoking the secret CI holds for an identical one.
  it("lists a token's scopes in another order without replacing it", async () => {
    const { tf, write, state } = await workspace('cordum-tf-scopes-');
    const config = (scopes: string) => `resource "cordum_token" "t" {
  name   = "reordered"
  scopes = ${scopes}
}
`;
    const show = async () => (await state('show', '-no-color', 'cordum_token.t')).stdout;
    const idOf = (text: string) => /\bid\s+= "(tok_[^"]+)"/.exec(text)?.[1];
    write(config('["read", "publish"]'));
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    const made = idOf(await show());
    expect(made).toBeDefined();

    write(config('["publish", "read"]'));
    const plan = await tf('plan');
    expect(plan.stdout).toContain('cordum_token.t will be updated in-place');
    expect(plan.stdout).not.toContain('forces replacement');
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    expect(idOf(await show())).toBe(made);
    const api = registryApi(registry);
    expect((await api.call('GET', `/v1/tokens/${made}`)).status).toBe(200);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);

    // Another set of scopes is another token.
    write(config('["publish"]'));
    const narrowed = await tf('plan');
    expect(narrowed.stdout).toContain('cordum_token.t must be replaced');
    expect(narrowed.stdout).toMatch(/scopes\s+= \[ # forces replacement/);
  }, 120_000);

  it('warns when replacing a deployment takes its policy bundles, which the next apply restores',
    async () => {
      const { tf, write } = await workspace('cordum-tf-rebundle-');
      write(`resource "cordum_deployment" "d" {
  name = "rebundle"
  pack {
    id    = "hello-pack"
    range = "^1.0.0"
  }
}

resource "cordum_policy_bundle" "b" {
  deployment = cordum_deployment.d.name
  name       = "guard"
  rule {
    id       = "deny-all"
    decision = "deny"
    match {
      topics = ["job.hello-pack.*"]
    }
  }
}
`);
      expect((await tf('apply', '-auto-approve')).code).toBe(0);
      const replaced = await tf('apply', '-auto-approve', '-replace=cordum_deployment.d');
      expect(replaced.code, replaced.stderr).toBe(0);
      const said = replaced.stdout + replaced.stderr;
      expect(said).toContain('Warning: Policy Bundles Deleted With The Deployment');
      expect(said).toContain('also deleted its policy bundles "guard"');
      const next = await tf('plan', '-detailed-exitcode');
      expect(next.code).toBe(2);
      expect(next.stdout).toContain('cordum_policy_bundle.b will be created');
      expect((await tf('apply', '-auto-approve')).code).toBe(0);
      expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
    }, 120_000);

  it('plans and destroys a published version whose files were cleaned away', async () => {
    const { dir, tf, write, api, key } = await keyedWorkspace('cordum-tf-cleaned-');
    const pack = await signedPack('slack', '3.0.0', key, dir);
    write(`resource "cordum_pack_version" "p" {\n  tarball = "${pack.tarball}"\n}\n`);
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    rmSync(pack.tarball);
    rmSync(pack.bundle);
    const plan = await tf('plan', '-detailed-exitcode');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout + plan.stderr).toContain('Warning: Pack Files Missing');
    expect(plan.stdout + plan.stderr).toContain('slack@3.0.0 stays as published');
    const destroyed = await tf('destroy', '-auto-approve');
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect((await api.call('GET', '/v1/packs/slack/versions/3.0.0/yank')).body)
      .toMatchObject({ yanked: true });
  }, 120_000);

  it('plans and destroys a published version whose files were rebuilt with other bytes',
    async () => {
      const { dir, tf, write, api, key } = await keyedWorkspace('cordum-tf-rebuilt-');
      const pack = await signedPack('slack', '3.1.0', key, dir);
      write(`resource "cordum_pack_version" "p" {\n  tarball = "${pack.tarball}"\n}\n`);
      expect((await tf('apply', '-auto-approve')).code).toBe(0);
      // The same version built again from an edited pack, signed: other bytes.
      const rebuilt = await signedPack('slack', '3.1.0', key, dir,
        (m) => m.replace(/^(\s+title:\s*).*$/m, '$1Slack, edited'));
      expect(rebuilt.sha256).not.toBe(pack.sha256);
      const plan = await tf('plan', '-detailed-exitcode');
      expect(plan.code, plan.stderr).toBe(0);
      expect((plan.stdout + plan.stderr).replace(/\s+/g, ' ')).toContain(
        `holds other bytes (sha256 ${rebuilt.sha256}) than published slack@3.1.0`);
      // A bundle of other bytes beside it: still no error, and destroy yanks.
      const other = await signedPack('github', '9.9.9', key, dir);
      writeFileSync(pack.bundle, readFileSync(other.bundle, 'utf8'));
      const destroyed = await tf('destroy', '-auto-approve');
      expect(destroyed.code, destroyed.stderr).toBe(0);
      expect((await api.call('GET', '/v1/packs/slack/versions/3.1.0/yank')).body)
        .toMatchObject({ yanked: true });
    }, 120_000);

  it('updates a key whose PEM text changed but not the key, without replacing it', async () => {
    const { dir, tf, write } = await workspace('cordum-tf-pem-');
    writeFileSync(join(dir, 'k.pub'), newKey().publicPem);
    write(`resource "cordum_publisher_key" "k" {
  publisher  = "default"
  public_key = file("k.pub")
}
`);
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    write(`resource "cordum_publisher_key" "k" {
  publisher  = "default"
  public_key = trimspace(file("k.pub"))
}
`);
    const plan = await tf('plan');
    expect(plan.stdout).toContain('will be updated in-place');
    expect(plan.stdout).not.toContain('forces replacement');
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
    // Another key still replaces it.
    writeFileSync(join(dir, 'k.pub'), newKey().publicPem);
    expect((await tf('plan')).stdout).toContain('must be replaced');
  }, 120_000);

  it('moves a published tarball\'s files in place, and imports with a bundle path set',
    async () => {
      const { dir, tf, write, state } = await workspace('cordum-tf-moved-');
      const api = registryApi(registry);
      const key = newKey();
      await api.call('POST', '/v1/keys', { public_key: key.publicPem });
      mkdirSync(join(dir, 'build'));
      const pack = await signedPack('hello-pack', '3.0.0', key, join(dir, 'build'));
      write(`resource "cordum_pack_version" "p" {\n  tarball = "build/hello-pack-3.0.0.tgz"\n}\n`);
      expect((await tf('apply', '-auto-approve')).code).toBe(0);

      copyFileSync(pack.bundle, join(dir, 'build', 'signature.json'));
      write(`resource "cordum_pack_version" "p" {
  tarball = "build/hello-pack-3.0.0.tgz"
  bundle  = "build/signature.json"
}
`);
      const moved = await tf('plan');
      expect(moved.stdout).toContain('will be updated in-place');
      expect(moved.stdout).not.toContain('must be replaced');
      expect((await tf('apply', '-auto-approve')).code).toBe(0);
      expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);

      // Imported afresh (the default bundle path in state), the config's path plans in place.
      expect((await state('rm', 'cordum_pack_version.p')).code).toBe(0);
      expect((await tf('import', 'cordum_pack_version.p', pack.tarball)).code).toBe(0);
      const imported = await tf('apply', '-auto-approve');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain('0 added, 1 changed, 0 destroyed');
      expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
      const versions = (await api.call('GET', '/v1/packs/hello-pack')).body.versions as
        { version: string }[];
      expect(versions.map((v) => v.version)).toContain('3.0.0');
      expect(readFileSync(join(dir, 'terraform.tfstate'), 'utf8')).toContain('signature.json');
    }, 120_000);

  it('plans pack blocks known only at apply, and shows a tenant changed elsewhere', async () => {
    const { tf, write } = await workspace('cordum-tf-dynamic-');
    write(`resource "terraform_data" "packs" {
  input = { "hello-pack" = "^1.0.0" }
}

resource "cordum_deployment" "d" {
  name = "dyn"
  dynamic "pack" {
    for_each = terraform_data.packs.output
    content {
      id    = pack.key
      range = pack.value
    }
  }
}
`);
    const apply = await tf('apply', '-auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);

    const api = registryApi(registry);
    const packs = [{ id: 'hello-pack', range: '^1.0.0' }];
    const put = await api.call('PUT', '/v1/deployments/dyn', { tenant: 'other', packs });
    expect(put.status).toBe(200);
    const drift = await tf('plan', '-detailed-exitcode');
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/tenant\s+= "other" -> "default"/);
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    expect((await api.call('GET', '/v1/deployments/dyn')).body.tenant).toBe('default');
  }, 120_000);
});
