/**
 * The provider driven by the real terraform binary against a registry this
 * suite starts: init, plan, apply, a clean second plan, drift, update,
 * import, a state upgrade and destroy, over every resource and data source.
 * Steps run in order and share one working folder and state. Runs on both
 * storage back ends of the registry (PGlite and PostgreSQL).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../helpers/databases.js';
import {
  registryApi,
  startRegistry,
  terraform,
  type RunningRegistry,
  type SignedPack,
} from '../helpers.js';
import { lifecycleConfig, lifecycleWorkspace } from './config.js';

describe.each(backends())('terraform lifecycle on $name', (backend) => {
  let registry: RunningRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let api: ReturnType<typeof registryApi>;
  let outsideKeyId: string;
  let managedKeyId: string;
  let published: SignedPack;

  const tf = (...args: string[]) => terraform(dir, env, ...args);

  function outputs(): Record<string, unknown> {
    const r = terraform(dir, env, 'output', '-json');
    const parsed = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  }

  function writeConfig(range: string, reason: string) {
    writeFileSync(join(dir, 'main.tf'), lifecycleConfig({ range, reason }));
  }

  beforeAll(async () => {
    registry = await startRegistry(backend);
    ({ dir, env, api, outsideKeyId, managedKeyId, published } = await lifecycleWorkspace(registry));
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  describe.sequential('in order', () => {
    it('initialises from the implied terraform.d/plugins mirror', () => {
      const r = tf('init', '-input=false', '-no-color');
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Installing cordum.local/cordum/cordum v0.1.0');
      expect(r.code).toBe(0);
    });

    it('plans with ranges resolved and digests read at plan time', () => {
      const r = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('Plan: 6 to add, 0 to change, 0 to destroy.');
      // The range resolves now, and the tarball's facts are read from the files.
      expect(r.stdout).toMatch(/\+ resolved\s+= "1\.0\.0"/);
      expect(r.stdout).toMatch(new RegExp(`\\+ key_id\\s+= "${managedKeyId}"`));
      expect(r.stdout).toMatch(/\+ version\s+= "1\.1\.0"/);
    });

    it('applies every resource and data source', async () => {
      const r = tf('apply', '-input=false', '-no-color', '-auto-approve');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Apply complete! Resources: 6 added, 0 changed, 0 destroyed.');

      const out = outputs();
      expect(out.resolved).toBe('1.0.0');
      expect(out.newest).toBe('1.1.0');
      expect(out.newest_signer).toBe(managedKeyId);
      expect(out.key_id).toBe(managedKeyId);
      expect(out.danger).toBe('deny');
      expect(out.danger_rule).toBe('deny-danger');
      expect(out.echo).toBe('allow');
      expect(out.echo_rule).toBe('hello-pack-allow');
      expect(out.catalog_ids).toEqual(['hello-pack']);
      expect(out.bundle_version).toBe(1);

      const deployment = await api.call('GET', '/v1/deployments/prod');
      expect(deployment.body).toMatchObject({
        name: 'prod',
        description: 'production',
        packs: [{ id: 'hello-pack', range: '~1.0.0', version: '1.0.0', sha256: published.sha256 }],
      });
      const version = await api.call('GET', '/v1/packs/hello-pack/versions/1.1.0');
      expect(version.body.key_id).toBe(managedKeyId);

      // The token Terraform made is a working registry token.
      const secret = String(outputs().token);
      const asToken = await fetch(`${registry.url}/v1/packs`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(asToken.status).toBe(200);
    });

    it('plans no changes right after apply', () => {
      const r = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(r.stdout).toContain('No changes.');
      expect(r.code).toBe(0);
    });

    it('shows a deleted deployment and a yanked version as drift, and restores them', async () => {
      expect((await api.call('DELETE', '/v1/deployments/prod')).status).toBe(204);
      const yank = await api.call('PUT', '/v1/packs/hello-pack/versions/1.1.0/yank', {
        yanked: true,
      });
      expect(yank.body.yanked).toBe(true);

      const plan = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain('# cordum_deployment.prod will be created');
      expect(plan.stdout).toContain('# cordum_pack_version.hello will be created');
      // Deleting the deployment took its policy bundles with it.
      expect(plan.stdout).toContain('# cordum_policy_bundle.guard will be created');
      expect(plan.stdout).toContain('Plan: 4 to add, 0 to change, 0 to destroy.');

      const apply = tf('apply', '-input=false', '-no-color', '-auto-approve');
      expect(apply.stderr).toBe('');
      expect(apply.code).toBe(0);
      const restored = await api.call('GET', '/v1/packs/hello-pack/versions/1.1.0/yank');
      expect(restored.body.yanked).toBe(false);
      expect(tf('plan', '-input=false', '-no-color', '-detailed-exitcode').code).toBe(0);
    });

    it('shows a revoked token and a changed deployment as drift, and puts them back', async () => {
      const tokenId = String(outputs().token_id);
      expect((await api.call('DELETE', `/v1/tokens/${tokenId}`)).status).toBe(204);
      const changed = await api.call('PUT', '/v1/deployments/prod', {
        description: 'edited by hand',
        packs: [{ id: 'hello-pack', range: '~1.0.0' }],
      });
      expect(changed.status).toBe(200);

      const plan = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain('# cordum_token.ci will be created');
      expect(plan.stdout).toContain('# cordum_deployment.prod will be updated in-place');
      expect(plan.stdout).toContain('~ description   = "edited by hand" -> "production"');

      expect(tf('apply', '-input=false', '-no-color', '-auto-approve').code).toBe(0);
      const deployment = await api.call('GET', '/v1/deployments/prod');
      expect(deployment.body.description).toBe('production');
      expect(String(outputs().token_id)).not.toBe(tokenId);
      expect(tf('plan', '-input=false', '-no-color', '-detailed-exitcode').code).toBe(0);
    });

    it('updates in place: a new range resolves at plan, a new rule bumps the bundle', async () => {
      writeConfig('~1.1.0', 'dangerous topics are off today');
      const plan = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain('# cordum_deployment.prod will be updated in-place');
      expect(plan.stdout).toMatch(/~ version\s+= "1\.0\.0" -> "1\.1\.0"/);
      expect(plan.stdout).toContain('# cordum_policy_bundle.guard will be updated in-place');
      expect(plan.stdout).toContain('Plan: 0 to add, 2 to change, 0 to destroy.');

      const apply = tf('apply', '-input=false', '-no-color', '-auto-approve');
      expect(apply.code).toBe(0);
      const deployment = await api.call('GET', '/v1/deployments/prod');
      expect(deployment.body).toMatchObject({ packs: [{ range: '~1.1.0', version: '1.1.0' }] });
      expect(outputs().bundle_version).toBe(2);
      expect(tf('plan', '-input=false', '-no-color', '-detailed-exitcode').code).toBe(0);
    });

    it('imports every resource to a state that plans clean', () => {
      const tokenId = String(outputs().token_id);
      const addresses = [
        ['cordum_publisher_key.ci', managedKeyId],
        ['cordum_pack_version.hello', 'build/hello-pack-1.1.0.tgz'],
        ['cordum_deployment.prod', 'prod'],
        ['cordum_policy_bundle.guard', 'prod/guardrails'],
        ['cordum_policy_bundle.file', 'prod/from-file/policy/fragment.yaml'],
        ['cordum_token.ci', tokenId],
      ] as const;
      const rm = tf('state', 'rm', '-no-color', ...addresses.map(([a]) => a));
      expect(rm.stdout).toContain('Successfully removed 6 resource instance(s).');
      for (const [address, id] of addresses) {
        const r = tf('import', '-input=false', '-no-color', address, id);
        expect(r.stderr).toBe('');
        expect(r.stdout).toContain('Import successful!');
      }
      const plan = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(plan.stdout).toContain('No changes.');
      expect(plan.code).toBe(0);
    });

    it('refuses an import id that names no object of the type, before any request', () => {
      const cases = [
        ['cordum_token.ci', '', 'is not a token id'],
        ['cordum_deployment.prod', 'Prod/x', 'is not a deployment name'],
        ['cordum_publisher_key.ci', 'abc', 'is not a key id'],
        ['cordum_policy_bundle.guard', 'prod', 'is not `<deployment>/<name>`'],
      ] as const;
      const rm = tf('state', 'rm', '-no-color', ...cases.map(([a]) => a));
      expect(rm.code).toBe(0);
      for (const [address, id, says] of cases) {
        const r = tf('import', '-input=false', '-no-color', address, id);
        expect(r.code, address).toBe(1);
        expect(r.stderr).toContain('Error: Invalid Import ID');
        expect(r.stderr).toContain(says);
      }
      for (const [address, id] of [['cordum_token.ci', String(outputs().token_id)],
        ['cordum_deployment.prod', 'prod'], ['cordum_publisher_key.ci', managedKeyId],
        ['cordum_policy_bundle.guard', 'prod/guardrails']]) {
        expect(tf('import', '-input=false', '-no-color', address!, id!).code).toBe(0);
      }
      const plan = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(plan.code).toBe(0);
    });

    it('upgrades publisher key state written by schema version 0', () => {
      const path = join(dir, 'terraform.tfstate');
      const state = JSON.parse(readFileSync(path, 'utf8')) as {
        serial: number;
        resources: { type: string; instances: { schema_version: number; attributes: object }[] }[];
      };
      const key = state.resources.find((r) => r.type === 'cordum_publisher_key')!.instances[0]!;
      const current = key.attributes as Record<string, string>;
      key.schema_version = 0;
      key.attributes = {
        id: current.id,
        publisher: current.publisher,
        public_key_pem: current.public_key,
      };
      state.serial += 1;
      writeFileSync(path, JSON.stringify(state));

      const plan = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      expect(plan.stderr).toBe('');
      expect(plan.code).toBe(0);
      const refresh = tf('apply', '-refresh-only', '-input=false', '-no-color', '-auto-approve');
      expect(refresh.code).toBe(0);
      const after = JSON.parse(readFileSync(path, 'utf8')) as typeof state;
      const upgraded = after.resources.find((r) => r.type === 'cordum_publisher_key')!
        .instances[0]!;
      expect(upgraded.schema_version).toBe(1);
      expect(upgraded.attributes).toMatchObject({
        key_id: managedKeyId,
        public_key: current.public_key,
      });
    });

    it('destroys what it made and nothing else', async () => {
      const tokenId = String(outputs().token_id);
      expect(tokenId).toMatch(/^tok_/);
      const r = tf('destroy', '-input=false', '-no-color', '-auto-approve');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Destroy complete! Resources: 6 destroyed.');

      expect((await api.call('GET', '/v1/deployments/prod')).status).toBe(404);
      expect((await api.call('GET', '/v1/deployments/prod/policy-bundles/guardrails')).status).toBe(
        404,
      );
      // The managed version is yanked, never deleted; the one made outside stays as it was.
      const yanked = await api.call('GET', '/v1/packs/hello-pack/versions/1.1.0/yank');
      expect(yanked.body).toMatchObject({ yanked: true, reason: 'destroyed by terraform' });
      const kept = await api.call('GET', '/v1/packs/hello-pack/versions/1.0.0/yank');
      expect(kept.body.yanked).toBe(false);
      // The managed key signed a version, so it is revoked rather than removed.
      const revocation = await api.call('GET', `/v1/keys/${managedKeyId}/revocation`);
      expect(revocation.body.revoked).toBe(true);
      const outsideKey = await api.call('GET', `/v1/keys/${outsideKeyId}/revocation`);
      expect(outsideKey.body.revoked).toBe(false);
      const token = await api.call('GET', `/v1/tokens/${tokenId}`);
      expect(token.status).toBe(404);
    });
  });
});
