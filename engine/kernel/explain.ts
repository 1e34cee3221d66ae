/**
 * Why a decision came out as it did: the rule that matched, and for each
 * earlier rule the first match field that did not hold. It walks the rules
 * in order with `firstMismatch`, the readable reference, so it explains the
 * same answer the indexed evaluator gives.
 */
import { firstMismatch, tenantOf } from '../../packs/policy/evaluate.js';
import type {
  Constraints, Decision, PolicyRequest, PolicySnapshot, Rule,
} from '../../packs/policy/types.js';

export interface SkippedRule {
  ruleId: string;
  /** The match field that failed (`topics`, `tenants`, ...). */
  field: string;
  /** The rule's values for that field and the request's, for the reader. */
  wanted: unknown;
  got: unknown;
}

export interface Explanation {
  decision: Decision;
  ruleId?: string;
  /** The matched rule's reason and constraints (its templates applied), when it has them. */
  reason?: string;
  constraints?: Constraints;
  snapshotHash: string;
  tenant: string;
  matched?: { ruleId: string; index: number; packId?: string; file?: string };
  skipped: SkippedRule[];
}

const REQUEST_FIELD: Record<string, keyof PolicyRequest> = {
  topics: 'topic',
  capabilities: 'capability',
  risk_tags: 'riskTags',
  requires: 'requires',
  pack_ids: 'packId',
  actor_ids: 'actorId',
  actor_types: 'actorType',
  labels: 'labels',
  secrets_present: 'secretsPresent',
  mcp: 'mcp',
};

function skipped(rule: Rule, field: string, request: PolicyRequest, tenant: string): SkippedRule {
  const wanted = (rule.match as Record<string, unknown>)[field];
  // What was compared: the tenant as decided, and no secretsPresent as false.
  const got = field === 'tenants' ? tenant : field === 'secrets_present'
    ? request.secretsPresent ?? false : request[REQUEST_FIELD[field]!];
  return { ruleId: rule.id, field, wanted, got: got ?? null };
}

export function explainDecision(snapshot: PolicySnapshot, request: PolicyRequest): Explanation {
  const tenant = tenantOf(snapshot, request);
  const out: Explanation = { decision: 'allow', snapshotHash: snapshot.hash, tenant, skipped: [] };
  for (let i = 0; i < snapshot.rules.length; i++) {
    const rule = snapshot.rules[i]!;
    const field = firstMismatch(rule, request, tenant);
    if (field !== undefined) {
      out.skipped.push(skipped(rule, field, request, tenant));
      continue;
    }
    out.decision = rule.decision;
    out.ruleId = rule.id;
    if (rule.reason !== undefined) out.reason = rule.reason;
    if (rule.constraints !== undefined) out.constraints = rule.constraints;
    out.matched = { ruleId: rule.id, index: i };
    if (rule.source?.packId !== undefined) out.matched.packId = rule.source.packId;
    if (rule.source?.file !== undefined) out.matched.file = rule.source.file;
    return out;
  }
  return out;
}

/** Explanation lines for the CLI. */
export function explanationLines(e: Explanation): string[] {
  const by = e.ruleId ? ` (rule ${e.ruleId})` : ' (no rule matched)';
  const lines = [`decision: ${e.decision}${by}`];
  if (e.reason !== undefined) lines.push(`reason:   ${e.reason}`);
  if (e.constraints !== undefined) lines.push(`constraints: ${JSON.stringify(e.constraints)}`);
  lines.push(`snapshot: ${e.snapshotHash}`, `tenant:   ${e.tenant}`);
  for (const s of e.skipped) {
    lines.push(`  skipped ${s.ruleId}: ${s.field} wanted ${JSON.stringify(s.wanted)}, ` +
      `request has ${JSON.stringify(s.got)}`);
  }
  if (e.matched) {
    const from = e.matched.packId ? ` from ${e.matched.packId}` : '';
    lines.push(`  matched ${e.matched.ruleId} (rule #${e.matched.index + 1}${from})`);
  }
  return lines;
}
