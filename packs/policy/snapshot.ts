/**
 * Merges the policy fragments of several packs into one snapshot. Packs are
 * taken in id order and each pack's fragments in manifest order, so the same
 * set of packs always gives the same rules and the same hash.
 */
import { canonicalJson } from '../canonical.js';
import { sha256Hex } from '../digest.js';
import type { PolicyFragment, PolicySnapshot, Rule } from './types.js';

export interface SnapshotInput {
  packId: string;
  version?: string;
  fragment: PolicyFragment;
}

export function buildSnapshot(inputs: SnapshotInput[]): PolicySnapshot {
  const ordered = [...inputs].sort((a, b) => (a.packId < b.packId ? -1 : a.packId > b.packId ? 1
    : 0));
  const rules: Rule[] = [];
  let defaultTenant: string | undefined;
  for (const input of ordered) {
    for (const rule of input.fragment.rules) {
      // Decisions hand these to jobs and handlers as they are: frozen, no job can change the rule.
      if (rule.constraints !== undefined) deepFreeze(rule.constraints);
      rules.push(rule);
    }
    defaultTenant ??= input.fragment.default_tenant;
  }
  const packs: PolicySnapshot['packs'] = [];
  for (const input of ordered) {
    if (packs.some((p) => p.id === input.packId)) continue;
    packs.push(input.version === undefined ? { id: input.packId }
      : { id: input.packId, version: input.version });
  }
  const snapshot: PolicySnapshot = { hash: snapshotHash(rules, defaultTenant), rules, packs };
  if (defaultTenant !== undefined) snapshot.defaultTenant = defaultTenant;
  return snapshot;
}

function deepFreeze(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner as object);
  }
}

/** The hash covers what decides: rules in order and the default tenant. */
export function snapshotHash(rules: Rule[], defaultTenant?: string): string {
  const semantic = rules.map(({ source: _source, ...rule }) => rule);
  return `sha256:${sha256Hex(canonicalJson({ defaultTenant, rules: semantic }))}`;
}
