/**
 * The 200-rule policy as Cedar policies, decided by `@cedar-policy/cedar-wasm`
 * with the policy set parsed once. Cedar has no first match: every rule is
 * a `permit` or a `forbid` (deny, require_approval) on the topic as resource
 * and the risk tags in the context, and forbid wins, so the work compares
 * (an index over the same topics) while the semantics differ at overlaps.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PolicyRequest, PolicySnapshot, Rule } from '../packs/policy/types.js';

interface CedarWasm {
  getCedarVersion(): string;
  preparsePolicySet(id: string, policies: { staticPolicies: string }): { type: string };
  statefulIsAuthorized(call: Record<string, unknown>): { type: string };
}

function cedarPolicy(rule: Rule): string {
  const effect = rule.decision === 'allow' || rule.decision === 'allow_with_constraints'
    ? 'permit' : 'forbid';
  const conditions: string[] = [];
  const topics = rule.match.topics ?? [];
  if (topics.length > 0) {
    conditions.push(topics.map((t) => t.endsWith('*')
      ? `resource.id like "${t.replace(/\*$/, '*')}"` : `resource.id == "${t}"`).join(' || '));
  }
  if (rule.match.risk_tags && rule.match.risk_tags.length > 0) {
    conditions.push(`context.riskTags.containsAny(${JSON.stringify(rule.match.risk_tags)})`);
  }
  if (rule.match.labels) {
    for (const [k, v] of Object.entries(rule.match.labels)) {
      conditions.push(`context.labels has "${k}" && context.labels["${k}"] == "${v}"`);
    }
  }
  const when = conditions.length > 0 ? ` when { ${conditions.map((c) => `(${c})`)
    .join(' && ')} }` : '';
  return `@id("${rule.id}")\n${effect}(principal, action, resource)${when};`;
}

export async function cedarRate(root: string, snapshot: PolicySnapshot,
  requests: PolicyRequest[], seconds = 2): Promise<{ version: string; rate: number } | undefined> {
  let cedar: CedarWasm;
  try {
    const require = createRequire(join(root, 'package.json'));
    cedar = require('@cedar-policy/cedar-wasm/nodejs') as CedarWasm;
  } catch {
    return undefined;
  }
  const text = snapshot.rules.map(cedarPolicy).join('\n');
  const parsed = cedar.preparsePolicySet('bench', { staticPolicies: text });
  if (parsed.type !== 'success') throw new Error(`cedar refused the policies: ${
    JSON.stringify(parsed)}`);
  const calls = requests.map((r) => ({
    principal: { type: 'Tenant', id: r.tenantId ?? 'default' },
    action: { type: 'Action', id: 'run' },
    resource: { type: 'Topic', id: r.topic ?? '' },
    context: { riskTags: r.riskTags ?? [], labels: r.labels ?? {} },
    entities: [],
    preparsedPolicySetId: 'bench',
  }));
  const first = cedar.statefulIsAuthorized(calls[0]!);
  if (first.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(first)}`);
  for (let i = 0; i < 2000; i++) cedar.statefulIsAuthorized(calls[i % calls.length]!);
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() - start < BigInt(seconds * 1e9)) {
    for (let i = 0; i < 1000; i++) cedar.statefulIsAuthorized(calls[(n + i) % calls.length]!);
    n += 1000;
  }
  return { version: cedar.getCedarVersion(), rate: n / (Number(process.hrtime.bigint() - start)
    / 1e9) };
}
