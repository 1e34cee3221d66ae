/**
 * The merged policy of a deployment: its policy bundles first (in name
 * order, so an operator's rule wins over a pack's), then the fragments of
 * its pinned packs as `buildSnapshot` orders them. The hash covers it all.
 */
import { readBundle } from '../packs/bundle/read.js';
import { loadPack } from '../packs/load.js';
import { toFragment, type RawFragment } from '../packs/policy/fragment.js';
import { buildSnapshot, snapshotHash, type SnapshotInput } from '../packs/policy/snapshot.js';
import type { PolicySnapshot } from '../packs/policy/types.js';
import type { RegistryDeps } from './deps.js';
import type { DeploymentPack, PolicyBundleRecord } from './store/deployments.js';

export async function deploymentSnapshot(
  deps: Pick<RegistryDeps, 'blobs' | 'bundleLimits'>,
  packs: DeploymentPack[],
  bundles: PolicyBundleRecord[],
): Promise<PolicySnapshot & { packsHash: string }> {
  const inputs: SnapshotInput[] = [];
  for (const p of packs) {
    const files = await readBundle(await deps.blobs.get(p.sha256), deps.bundleLimits);
    for (const { fragment } of loadPack(files).fragments) {
      inputs.push({ packId: p.id, version: p.version, fragment });
    }
  }
  const fromPacks = buildSnapshot(inputs);
  const bundleRules = bundles.flatMap(
    (b) =>
      toFragment(b.fragment as RawFragment, { packId: `bundle:${b.name}`, file: b.name }).rules,
  );
  const rules = [...bundleRules, ...fromPacks.rules];
  const snapshot: PolicySnapshot & { packsHash: string } = {
    hash: snapshotHash(rules, fromPacks.defaultTenant),
    rules,
    packs: fromPacks.packs,
    packsHash: fromPacks.hash,
  };
  if (fromPacks.defaultTenant !== undefined) snapshot.defaultTenant = fromPacks.defaultTenant;
  return snapshot;
}
