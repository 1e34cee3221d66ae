/**
 * The merged policy of a registry deployment, composed as the registry
 * composes it (policy bundles first, in name order, then the packs'
 * fragments as `buildSnapshot` orders them), so the hash the engine
 * computes must equal the one the registry published; when it does not,
 * something is missing or changed and the snapshot is refused.
 */
import type { LoadedPack } from '../../packs/load.js';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
import { buildSnapshot, snapshotHash } from '../../packs/policy/snapshot.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import { KernelError } from './errors.js';
import type { SnapshotSource } from './holder.js';
import type { BundleView, DeploymentView } from './registry_source.js';

export function composeSnapshot(
  packs: { pin: { id: string; version: string }; pack: LoadedPack }[],
  bundles: BundleView[],
): PolicySnapshot {
  const fromPacks = buildSnapshot(packs.flatMap(({ pin, pack }) =>
    pack.fragments.map((f) => ({ packId: pin.id, version: pin.version, fragment: f.fragment }))));
  const bundleRules = bundles.flatMap((b) =>
    toFragment(b.fragment as RawFragment, { packId: `bundle:${b.name}`, file: b.name }).rules);
  const rules = [...bundleRules, ...fromPacks.rules];
  const snapshot: PolicySnapshot = {
    hash: snapshotHash(rules, fromPacks.defaultTenant),
    rules,
    packs: fromPacks.packs,
  };
  if (fromPacks.defaultTenant !== undefined) snapshot.defaultTenant = fromPacks.defaultTenant;
  return snapshot;
}

/** Refuses a snapshot whose hash is not the one the deployment published. */
export function checkPublishedHash(view: DeploymentView, snapshot: PolicySnapshot): void {
  if (snapshot.hash !== view.snapshot_hash) {
    throw new KernelError('snapshot_hash_mismatch', `deployment ${view.name} generation ` +
      `${view.generation} publishes snapshot ${view.snapshot_hash}, but its packs and policy ` +
      `bundles give ${snapshot.hash}`);
  }
}

export function deploymentSource(view: DeploymentView, bundles: BundleView[]): SnapshotSource {
  return {
    kind: 'deployment',
    deployment: view.name,
    generation: view.generation,
    tenant: view.tenant,
    packs: view.packs.map((p) => ({ id: p.id, version: p.version, sha256: p.sha256,
      key_id: p.key_id })),
    bundles: bundles.map((b) => ({ name: b.name, version: b.version })),
  };
}
