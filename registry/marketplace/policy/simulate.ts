/**
 * Simulates a request against one pack version's own policy: the decision
 * `decide` makes, plus a trace of every rule before it and the first match
 * field that let the request pass it by.
 */
import type { LoadedPack } from '../../../packs/load.js';
import { DEFAULT_TENANT, decide, firstMismatch } from '../../../packs/policy/evaluate.js';
import type { DecisionResult, PolicyRequest } from '../../../packs/policy/types.js';
import { packSnapshot } from '../../../packs/simulate.js';

export interface RuleTrace {
  ruleId: string;
  matched: boolean;
  /** The first match field that did not hold (absent when the rule matched). */
  mismatch?: string;
}

export interface SimulationOutcome {
  request: PolicyRequest;
  result: DecisionResult;
  trace: RuleTrace[];
}

export function simulatePack(pack: LoadedPack, given: PolicyRequest): SimulationOutcome {
  // A job of this pack, unless the request says another: rules limited to the pack then match.
  const request = given.packId === undefined
    ? { ...given, packId: pack.manifest.metadata.id } : given;
  const snapshot = packSnapshot(pack);
  const result = decide(snapshot, request);
  const tenant = (request.tenantId || snapshot.defaultTenant || DEFAULT_TENANT).toLowerCase();
  const trace: RuleTrace[] = [];
  for (const rule of snapshot.rules) {
    const mismatch = firstMismatch(rule, request, tenant);
    if (mismatch === undefined) {
      trace.push({ ruleId: rule.id, matched: true });
      break;
    }
    trace.push({ ruleId: rule.id, matched: false, mismatch });
  }
  return { request, result, trace };
}

/** The JSON answer of `POST /v1/packs/{id}/versions/{v}/simulate`. */
export function simulationJson(id: string, version: string, outcome: SimulationOutcome) {
  const { result } = outcome;
  return {
    pack: { id, version },
    decision: result.decision,
    rule_id: result.ruleId,
    reason: result.reason,
    constraints: result.constraints,
    remediations: result.remediations,
    snapshot_hash: result.snapshotHash,
    trace: outcome.trace.map((t) => ({ rule_id: t.ruleId, matched: t.matched,
      mismatch: t.mismatch })),
  };
}
