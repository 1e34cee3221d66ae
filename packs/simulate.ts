/** Runs a pack's `tests.policySimulations` against its own policy. */
import type { LoadedPack } from './load.js';
import { normalizeDecision } from './policy/decisions.js';
import { decide } from './policy/evaluate.js';
import { buildSnapshot } from './policy/snapshot.js';
import type { PolicySnapshot } from './policy/types.js';

export interface SimulationResult {
  name: string;
  expected: string;
  actual: string;
  passed: boolean;
  ruleId?: string;
  reason?: string;
}

export function packSnapshot(pack: LoadedPack): PolicySnapshot {
  const { id, version } = pack.manifest.metadata;
  return buildSnapshot(pack.fragments.map((f) => ({ packId: id, version, fragment: f.fragment })));
}

export function runSimulations(pack: LoadedPack): { snapshotHash: string;
  results: SimulationResult[] } {
  const snapshot = packSnapshot(pack);
  const results = (pack.manifest.tests?.policySimulations ?? []).map((sim) => {
    const outcome = decide(snapshot, sim.request);
    const expected = normalizeDecision(sim.expectDecision);
    const result: SimulationResult = {
      name: sim.name,
      expected: sim.expectDecision,
      actual: outcome.decision.toUpperCase(),
      passed: expected === outcome.decision,
    };
    if (outcome.ruleId !== undefined) result.ruleId = outcome.ruleId;
    if (outcome.reason !== undefined) result.reason = outcome.reason;
    return result;
  });
  return { snapshotHash: snapshot.hash, results };
}
