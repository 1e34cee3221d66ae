/**
 * The Terraform configuration the lifecycle suite applies, with its knobs,
 * and the working folder it needs (shared with the daemon suite).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  FIXTURES,
  installProvider,
  newKey,
  registryApi,
  signedPack,
  tempDir,
  terraformEnv,
  type RunningRegistry,
  type SignedPack,
} from '../helpers.js';

export interface ConfigKnobs {
  range: string;
  reason: string;
}

export function lifecycleConfig(k: ConfigKnobs): string {
  return `
terraform {
  required_providers {
    cordum = {
      source  = "cordum.local/cordum/cordum"
      version = "0.1.0"
    }
  }
}

provider "cordum" {}

resource "cordum_publisher_key" "ci" {
  publisher  = "default"
  public_key = file("ci.pub.pem")
}

resource "cordum_pack_version" "hello" {
  tarball    = "build/hello-pack-1.1.0.tgz"
  depends_on = [cordum_publisher_key.ci]
}

resource "cordum_deployment" "prod" {
  name        = "prod"
  description = "production"
  pack {
    id    = "hello-pack"
    range = "${k.range}"
  }
}

resource "cordum_policy_bundle" "guard" {
  deployment = cordum_deployment.prod.name
  name       = "guardrails"
  rule {
    id       = "deny-danger"
    decision = "deny"
    reason   = "${k.reason}"
    match {
      topics = ["job.hello-pack.danger*"]
    }
  }
  rule {
    id       = "approve-prod"
    decision = "require_approval"
    match {
      risk_tags = ["prod"]
    }
    constraints {
      budgets {
        max_runtime_ms = 5000
      }
    }
    remediation {
      id                = "use-staging"
      title             = "Run in staging"
      replacement_topic = "job.hello-pack.echo"
    }
  }
}

resource "cordum_policy_bundle" "file" {
  deployment    = cordum_deployment.prod.name
  name          = "from-file"
  fragment_file = "policy/fragment.yaml"
}

resource "cordum_token" "ci" {
  name   = "ci"
  scopes = ["read", "publish"]
}

data "cordum_pack" "hello" {
  id    = "hello-pack"
  range = "^1.0.0"
  depends_on = [cordum_pack_version.hello]
}

data "cordum_catalog" "all" {
  depends_on = [cordum_pack_version.hello]
}

data "cordum_policy_decision" "danger" {
  deployment = cordum_deployment.prod.name
  topic      = "job.hello-pack.danger-zone"
  depends_on = [cordum_policy_bundle.guard, cordum_policy_bundle.file]
}

data "cordum_policy_decision" "echo" {
  deployment = cordum_deployment.prod.name
  topic      = "job.hello-pack.echo"
  pack_id    = "hello-pack"
  depends_on = [cordum_policy_bundle.guard, cordum_policy_bundle.file]
}

output "token" {
  value     = cordum_token.ci.token
  sensitive = true
}
output "token_id" { value = cordum_token.ci.id }
output "key_id" { value = cordum_publisher_key.ci.key_id }
output "danger" { value = data.cordum_policy_decision.danger.decision }
output "danger_rule" { value = data.cordum_policy_decision.danger.rule_id }
output "echo" { value = data.cordum_policy_decision.echo.decision }
output "echo_rule" { value = data.cordum_policy_decision.echo.rule_id }
output "resolved" { value = cordum_deployment.prod.pack[0].version }
output "newest" { value = data.cordum_pack.hello.version }
output "newest_signer" { value = data.cordum_pack.hello.signer }
output "catalog_ids" { value = [for p in data.cordum_catalog.all.packs : p.id] }
output "bundle_version" { value = cordum_policy_bundle.guard.version }
`;
}

export interface LifecycleWorkspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  api: ReturnType<typeof registryApi>;
  outsideKeyId: string;
  managedKeyId: string;
  published: SignedPack;
}

/**
 * A folder for lifecycleConfig against `registry`: hello-pack 1.0.0 and its
 * key published outside Terraform (destroy must leave them be), and the key,
 * signed 1.1.0 tarball and fragment file Terraform manages, by relative path.
 */
export async function lifecycleWorkspace(registry: RunningRegistry): Promise<LifecycleWorkspace> {
  const api = registryApi(registry);
  const dir = tempDir('cordum-tf-');
  const env = terraformEnv(dir, registry);

  const outside = newKey();
  const added = await api.call('POST', '/v1/keys', { public_key: outside.publicPem });
  const published = await signedPack('hello-pack', '1.0.0', outside, tempDir('cordum-out-'));
  expect(await api.publish(published)).toBe(201);

  const managed = newKey();
  writeFileSync(join(dir, 'ci.pub.pem'), managed.publicPem);
  mkdirSync(join(dir, 'build'));
  await signedPack('hello-pack', '1.1.0', managed, join(dir, 'build'));
  mkdirSync(join(dir, 'policy'));
  writeFileSync(
    join(dir, 'policy', 'fragment.yaml'),
    readFileSync(join(FIXTURES, 'hello-pack', 'overlays', 'policy.fragment.yaml')),
  );
  installProvider(dir);
  const config = lifecycleConfig({ range: '~1.0.0', reason: 'dangerous topics are off' });
  writeFileSync(join(dir, 'main.tf'), config);
  return {
    dir,
    env,
    api,
    outsideKeyId: String(added.body.key_id),
    managedKeyId: managed.keyId,
    published,
  };
}
