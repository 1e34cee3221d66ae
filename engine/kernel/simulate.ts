/**
 * Impact analysis: the decisions recorded under the running policy, made
 * again against a candidate snapshot, and what would change. Nothing is
 * applied; the answer is counts by transition and the first changes.
 */
import { decide } from '../../packs/policy/evaluate.js';
import { canonicalJson } from '../../packs/canonical.js';
import type { Constraints, PolicySnapshot } from '../../packs/policy/types.js';
import type { RecordedDecision } from './recorder.js';

/** Most recorded decisions one simulation reads (its `limit`). */
export const MAX_SIMULATE_LIMIT = 1_000_000;

/** A simulation's `limit` from its text: a whole number from 1 to the most; else undefined. */
export function simulateLimit(text: string): number | undefined {
  const n = /^[0-9]{1,7}$/.test(text) ? Number(text) : 0;
  return n >= 1 && n <= MAX_SIMULATE_LIMIT ? n : undefined;
}

export interface DecisionChange {
  id: number;
  request: RecordedDecision['request'];
  before: { decision: string; ruleId: string | null; constraints?: Constraints };
  after: { decision: string; ruleId: string | null; constraints?: Constraints };
}

export interface Impact {
  candidateHash: string;
  /** Decisions replayed: the newest recorded under the running snapshot, up to a limit. */
  total: number;
  /** Of those, how many would get another decision. */
  changed: number;
  /**
   * How many keep their decision and constraints but would be made by another rule (not in
   * `changed`, nor in `constraintsOnly`).
   */
  ruleOnly: number;
  /**
   * How many keep their decision with other constraints (an `allow_with_constraints`
   * loosened or tightened, by the same rule or another; not in `changed`). Counted when the
   * running snapshot is given.
   */
  constraintsOnly: number;
  /** Every decision recorded under the running snapshot, when the caller counted them. */
  recorded?: number;
  transitions: { from: string; to: string; count: number }[];
  changes: DecisionChange[];
}

/**
 * Replays `recorded` against `candidate`. With `running` (the snapshot they
 * were recorded under; deciding is deterministic, so deciding again gives
 * their constraints) a decision that keeps its outcome with other
 * constraints is counted and listed as well.
 */
export function simulateCandidate(
  candidate: PolicySnapshot,
  recorded: RecordedDecision[],
  limit = 50,
  running?: PolicySnapshot,
): Impact {
  const transitions = new Map<string, number>();
  const changes: DecisionChange[] = [];
  let changed = 0;
  let ruleOnly = 0;
  let constraintsOnly = 0;
  for (const r of recorded) {
    const after = decide(candidate, r.request);
    const ruleAfter = after.ruleId ?? null;
    if (after.decision === r.decision) {
      // Each decision in one count: other constraints (listed) before another rule alone.
      const before = running ? decide(running, r.request).constraints : undefined;
      if (running && canonicalJson(before ?? {}) !== canonicalJson(after.constraints ?? {})) {
        constraintsOnly++;
        if (changes.length < limit) {
          changes.push({ id: r.id, request: r.request,
            before: { decision: r.decision, ruleId: r.ruleId ?? null, constraints: before ?? {} },
            after: { decision: after.decision, ruleId: ruleAfter,
              constraints: after.constraints ?? {} } });
        }
      } else if (ruleAfter !== (r.ruleId ?? null)) ruleOnly++;
      continue;
    }
    changed++;
    const key = `${r.decision}\u0000${after.decision}`;
    transitions.set(key, (transitions.get(key) ?? 0) + 1);
    if (changes.length < limit) {
      changes.push({ id: r.id, request: r.request,
        before: { decision: r.decision, ruleId: r.ruleId ?? null },
        after: { decision: after.decision, ruleId: ruleAfter } });
    }
  }
  return {
    candidateHash: candidate.hash,
    total: recorded.length,
    changed,
    ruleOnly,
    constraintsOnly,
    transitions: [...transitions].map(([k, count]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, count };
    }).sort((a, b) => b.count - a.count),
    changes,
  };
}

export function impactLines(impact: Impact): string[] {
  const of = impact.recorded !== undefined && impact.recorded > impact.total
    ? `the newest ${impact.total} of ${impact.recorded}` : `${impact.total}`;
  const lines = [`candidate ${impact.candidateHash}: ${impact.changed} of ${of} ` +
    'recorded decisions would change'];
  if (impact.ruleOnly > 0) {
    lines.push(`  ${impact.ruleOnly} more keep their decision, made by another rule`);
  }
  if (impact.constraintsOnly > 0) {
    lines.push(`  ${impact.constraintsOnly} more keep their decision with other constraints`);
  }
  for (const t of impact.transitions) lines.push(`  ${t.from} -> ${t.to}: ${t.count}`);
  for (const c of impact.changes) {
    const line = `  #${c.id} ${c.request.topic ?? '(no topic)'}: ${c.before.decision}` +
      ` (${c.before.ruleId ?? 'no rule'}) -> ${c.after.decision} (${c.after.ruleId ?? 'no rule'})`;
    lines.push(c.after.constraints === undefined ? line : `${line}, constraints ` +
      `${canonicalJson(c.before.constraints)} -> ${canonicalJson(c.after.constraints)}`);
  }
  return lines;
}
