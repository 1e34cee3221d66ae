/**
 * The merged policy of a deployment: its policy bundles first (in name
 * order, so an operator's rule wins over a pack's), then the fragments of
 * its pinned packs as `buildSnapshot` orders them. The hash covers it all.
 */
import { readBundle } from '../packs/bundle/read.js';
import { loadPack } from '../packs/load.js';
import { toFragment, type RawFragment } from '../packs/policy/fragment.js';
import { buildSnapshot, snapshotHash, type SnapshotInput } from '../packs/policy/snapshot.js';
import type { PolicySnapshot, Rule } from '../packs/policy/types.js';
import { RegistryError } from './errors.js';
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
  refuseSharedIds(bundleRules);
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

/**
 * Two policy bundles of one deployment may not share a rule id: decisions,
 * metrics and explanations name a rule by its id alone, and an operator's
 * own rules are the ones that can be renamed. A bundle rule may take a
 * pack rule's id (a pack's rule copied to be overridden: the bundle's comes
 * first), which limitations.md notes.
 */
function refuseSharedIds(bundleRules: Rule[]): void {
  const owner = new Map<string, string>();
  for (const r of bundleRules) {
    const bundle = (r.source?.packId ?? 'bundle:?').replace(/^bundle:/, '');
    const taken = owner.get(r.id);
    if (taken !== undefined) {
      const both = `rule id "${r.id}" is in policy bundle ${bundle} and in ${taken}`;
      throw new RegistryError('validation_failed', `${both}; give each rule an id of its own`,
        { issues: [{ file: `policy bundle ${bundle}`, path: `/rules/${r.source?.index ?? 0}/id`,
          message: both }] });
    }
    owner.set(r.id, `policy bundle ${bundle}`);
  }
}
