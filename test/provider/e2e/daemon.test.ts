/**
 * The lifecycle configuration applied by the real terraform binary twice,
 * side by side: cold (CORDUM_PROVIDER_DAEMON=0, node per provider process)
 * and warm (every provider process served by `cordum provider daemon`),
 * each against its own registry. Plan, apply, a clean plan and destroy must
 * answer the same. The daemon runs in another folder than Terraform, so the
 * relative tarball and fragment_file paths only resolve if instances use
 * Terraform's folder.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startProviderDaemon,
  startRegistry,
  tempDir,
  terraform,
  terraformAsync,
  type RunningDaemon,
  type RunningRegistry,
} from '../helpers.js';
import { lifecycleWorkspace, type LifecycleWorkspace } from './config.js';

type Mode = 'cold' | 'warm';

/** The outputs and resource values that do not depend on ids, keys or secrets. */
function facts(w: LifecycleWorkspace) {
  const shown = terraform(w.dir, w.env, 'show', '-json');
  const state = JSON.parse(shown.stdout) as {
    values: {
      outputs: Record<string, { value: unknown }>;
      root_module: { resources: { address: string; values: Record<string, unknown> }[] };
    };
  };
  const values = (address: string) =>
    state.values.root_module.resources.find((r) => r.address === address)?.values ?? {};
  const out = Object.fromEntries(
    Object.entries(state.values.outputs).map(([k, v]) => [k, v.value]),
  );
  return {
    danger: out.danger,
    danger_rule: out.danger_rule,
    echo: out.echo,
    echo_rule: out.echo_rule,
    resolved: out.resolved,
    newest: out.newest,
    catalog_ids: out.catalog_ids,
    bundle_version: out.bundle_version,
    key_is_managed: out.key_id === w.managedKeyId,
    file_bundle_hash: values('cordum_policy_bundle.file').hash,
    guard_hash: values('cordum_policy_bundle.guard').hash,
    pack_version: values('cordum_pack_version.hello').id,
  };
}

/** A plan without what differs by key: key ids and the public key's base64 lines. */
function keyless(plan: string, w: LifecycleWorkspace): string {
  return plan
    .split(w.managedKeyId)
    .join('KEY')
    .split(w.outsideKeyId)
    .join('OUTSIDE_KEY')
    .split('\n')
    .filter((line) => !/^\s+[A-Za-z0-9+/=]{40,}$/.test(line))
    .join('\n');
}

function instancesIn(daemon: RunningDaemon, dir: string): number {
  const lines = daemon.log().split('\n').filter((l) => l.includes('"instance started"'));
  return lines.filter((l) => (JSON.parse(l) as { cwd: string }).cwd === dir).length;
}

describe('terraform through the warm provider daemon', () => {
  const registries: RunningRegistry[] = [];
  const spaces = {} as Record<Mode, LifecycleWorkspace>;
  let daemon: RunningDaemon;

  beforeAll(async () => {
    const file = join(tempDir('cordum-daemon-home-'), 'provider-daemon.json');
    daemon = await startProviderDaemon(file);
    for (const mode of ['cold', 'warm'] as const) {
      const registry = await startRegistry();
      registries.push(registry);
      const w = await lifecycleWorkspace(registry);
      w.env = {
        ...w.env,
        CORDUM_PROVIDER_DAEMON_FILE: file,
        ...(mode === 'cold' ? { CORDUM_PROVIDER_DAEMON: '0' } : {}),
      };
      spaces[mode] = w;
    }
  }, 180_000);

  afterAll(async () => {
    await daemon?.stop();
    await Promise.all(registries.map((r) => r.stop()));
  });

  /** Runs one terraform command in each folder in turn; answers the two results. */
  async function both(...args: string[]) {
    const flags = [...args, '-input=false', '-no-color'];
    // Not blocking: the daemon's log is read by this process meanwhile.
    const cold = await terraformAsync(spaces.cold.dir, spaces.cold.env, ...flags);
    const warm = await terraformAsync(spaces.warm.dir, spaces.warm.env, ...flags);
    return { cold, warm };
  }

  describe.sequential('in order', () => {
    it('initialises both folders', async () => {
      const { cold, warm } = await both('init');
      expect([cold.code, warm.code]).toEqual([0, 0]);
    });

    it('plans the same, warm instances serving the warm folder only', async () => {
      const { cold, warm } = await both('plan', '-detailed-exitcode');
      expect([cold.code, warm.code]).toEqual([2, 2]);
      expect(warm.stderr).toBe('');
      expect(warm.stdout).toContain('Plan: 6 to add, 0 to change, 0 to destroy.');
      expect(keyless(warm.stdout, spaces.warm)).toBe(keyless(cold.stdout, spaces.cold));
      // Terraform starts several provider processes per plan.
      expect(instancesIn(daemon, spaces.warm.dir)).toBeGreaterThanOrEqual(3);
      expect(instancesIn(daemon, spaces.cold.dir)).toBe(0);
    });

    it('applies the same, relative paths resolved in each folder', async () => {
      const { cold, warm } = await both('apply', '-auto-approve');
      expect(warm.stderr).toBe('');
      expect([cold.code, warm.code]).toEqual([0, 0]);
      expect(warm.stdout).toContain('Apply complete! Resources: 6 added, 0 changed, 0 destroyed.');
      const warmFacts = facts(spaces.warm);
      expect(warmFacts).toEqual(facts(spaces.cold));
      expect(warmFacts.pack_version).toBe('hello-pack@1.1.0');
      expect(warmFacts.file_bundle_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(warmFacts.key_is_managed).toBe(true);
    });

    it('plans no changes after apply, in both', async () => {
      const { cold, warm } = await both('plan', '-detailed-exitcode');
      expect([cold.code, warm.code]).toEqual([0, 0]);
      expect(warm.stdout).toContain('No changes.');
    });

    it('destroys the same', async () => {
      const tokenIds = (['cold', 'warm'] as const).map((mode) => {
        const r = terraform(spaces[mode].dir, spaces[mode].env, 'output', '-raw', 'token_id');
        return r.stdout;
      });
      const { cold, warm } = await both('destroy', '-auto-approve');
      expect([cold.code, warm.code]).toEqual([0, 0]);
      expect(warm.stdout).toContain('Destroy complete! Resources: 6 destroyed.');
      expect(cold.stdout).toContain('Destroy complete! Resources: 6 destroyed.');
      for (const [i, mode] of (['cold', 'warm'] as const).entries()) {
        const { api } = spaces[mode];
        expect((await api.call('GET', '/v1/deployments/prod')).status).toBe(404);
        expect((await api.call('GET', `/v1/tokens/${tokenIds[i]}`)).status).toBe(404);
        const yanked = await api.call('GET', '/v1/packs/hello-pack/versions/1.1.0/yank');
        expect(yanked.body.yanked).toBe(true);
      }
      expect(instancesIn(daemon, spaces.cold.dir)).toBe(0);
    });
  });
});
