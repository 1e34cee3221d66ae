/**
 * Terraform's provider registry protocol, end to end: a real registry
 * process, a CLI config whose `host` block maps a made-up hostname's
 * providers.v1 to it on loopback, `terraform init` that downloads, checks
 * (SHA256SUMS, its GPG signature) and unpacks the provider, and a plan with
 * the provider it got, against the same registry.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerFromArmor } from '../../registry/tfregistry/gpg.js';
import { startRegistry, tempDir, terraform, type RunningRegistry } from '../provider/helpers.js';

const HOST = 'registry.cordum.test';
const T = '/terraform/providers/v1/cordum/cordum';

function mainTf(version: string): string {
  return `
terraform {
  required_providers {
    cordum = {
      source  = "${HOST}/cordum/cordum"
      version = "${version}"
    }
  }
}

provider "cordum" {}

data "cordum_catalog" "all" {}

resource "cordum_token" "ci" {
  name   = "ci-from-registry"
  scopes = ["read"]
}

output "packs" {
  value = length(data.cordum_catalog.all.packs)
}
`;
}

describe('terraform init from our provider registry', () => {
  let registry: RunningRegistry;
  let env: NodeJS.ProcessEnv;

  function project(version: string): string {
    const dir = tempDir('cordum-tfreg-');
    writeFileSync(join(dir, 'main.tf'), mainTf(version));
    return dir;
  }

  beforeAll(async () => {
    registry = await startRegistry();
    const home = tempDir('cordum-tfreg-cli-');
    const cli = join(home, 'cli.tfrc');
    writeFileSync(cli, [`host "${HOST}" {`, '  services = {',
      `    "providers.v1" = "${registry.url}/terraform/providers/v1/"`, '  }', '}', ''].join('\n'));
    env = { ...process.env, TF_CLI_CONFIG_FILE: cli, CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1', TF_PLUGIN_CACHE_DIR: '', CORDUM_REGISTRY: registry.url,
      CORDUM_TOKEN: registry.token };
  }, 90_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it('serves discovery and a download signed with the key kept in the data folder', async () => {
    const disco = await (await fetch(`${registry.url}/.well-known/terraform.json`)).json();
    expect(disco).toEqual({ 'providers.v1': '/terraform/providers/v1/' });
    const res = await fetch(`${registry.url}${T}/0.1.0/download/linux/amd64`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { shasum: string; download_url: string;
      signing_keys: { gpg_public_keys: { key_id: string }[] } };
    const kept = await signerFromArmor(
      readFileSync(join(registry.dataDir, 'terraform-gpg-key.asc'), 'utf8'));
    expect(body.signing_keys.gpg_public_keys.map((k) => k.key_id)).toEqual([kept.keyId]);
    const zip = Buffer.from(await (await fetch(body.download_url)).arrayBuffer());
    expect(createHash('sha256').update(zip).digest('hex')).toBe(body.shasum);
    expect((await fetch(`${registry.url}/terraform/providers/v1/hashicorp/aws/versions`)).status)
      .toBe(404);
  });

  it('installs the provider with terraform init and plans with it', async () => {
    const dir = project('0.1.0');
    const init = terraform(dir, env, 'init', '-no-color', '-input=false');
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const keyId = (await signerFromArmor(
      readFileSync(join(registry.dataDir, 'terraform-gpg-key.asc'), 'utf8'))).keyId;
    expect(init.stdout).toContain(
      `Installed ${HOST}/cordum/cordum v0.1.0 (self-signed, key ID ${keyId})`);

    const files = `${registry.url}/terraform/files/cordum/cordum/0.1.0`;
    const sums = await (await fetch(`${files}/SHA256SUMS`)).text();
    const linux = /^([0-9a-f]{64}) {2}terraform-provider-cordum_0\.1\.0_linux_amd64\.zip$/m
      .exec(sums);
    expect(linux).not.toBeNull();
    expect(readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8')).toContain(`"zh:${linux![1]}"`);

    const unpacked = join(dir, '.terraform', 'providers', HOST, 'cordum', 'cordum', '0.1.0',
      'linux_amd64');
    const launcher = join(unpacked, 'terraform-provider-cordum_v0.1.0');
    expect(statSync(launcher).mode & 0o111).not.toBe(0);
    expect(existsSync(join(unpacked, 'lib', 'provider.cjs'))).toBe(true);

    const plan = terraform(dir, env, 'plan', '-no-color', '-input=false', '-detailed-exitcode');
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('data.cordum_catalog.all: Read complete');
    expect(plan.stdout).toContain('cordum_token.ci will be created');
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
  }, 240_000);

  it('refuses a version the registry does not have', () => {
    const dir = project('9.9.9');
    const init = terraform(dir, env, 'init', '-no-color', '-input=false');
    expect(init.code).toBe(1);
    expect(init.stderr.replace(/\s+/g, ' '))
      .toContain('no available releases match the given constraints 9.9.9');
  }, 120_000);
});
