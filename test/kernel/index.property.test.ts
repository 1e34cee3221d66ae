/**
 * The indexed evaluator against the readable reference: over thousands of
 * generated rules and requests, `decide` gives the same decision and rule
 * as trying each rule in order with `firstMismatch`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, firstMismatch, tenantOf } from '../../packs/policy/evaluate.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { Decision, PolicyRequest, PolicySnapshot, Rule } from '../../packs/policy/types.js';

const TOPICS = ['job.a.run', 'job.a.stop', 'job.b.run', 'job.a/x.run', 'job.c', 'job.a.'];
const PATTERNS = [...TOPICS, 'job.a.*', 'job.*', 'job.b.*', 'job.a.r?n', 'job.[ab].run',
  '*', 'job.a*', 'job.*.run', 'job.a/*', 'job.\\a.run'];
const DECISIONS: Decision[] = ['allow', 'deny', 'require_approval', 'throttle'];
const small = <T>(values: T[]) =>
  fc.subarray(values, { maxLength: Math.min(3, values.length) });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const ruleArb = fc.record({
  topics: maybe(small(PATTERNS)),
  tenants: maybe(small(['default', 'Acme', 'other'])),
  capabilities: maybe(small(['read', 'write'])),
  risk_tags: maybe(small(['pii', 'prod', 'net'])),
  labels: maybe(fc.constantFrom({ env: 'prod' }, { env: 'dev' })),
  secrets_present: maybe(fc.boolean()),
  mcp: maybe(fc.constantFrom({ allow_tools: ['read'] }, { deny_servers: ['evil'] })),
  decision: fc.constantFrom(...DECISIONS),
});

const requestArb = fc.record({
  topic: maybe(fc.constantFrom(...TOPICS, 'job.a.ran', 'job.b.stop', 'zzz')),
  tenantId: maybe(fc.constantFrom('default', 'acme', 'ACME', 'other')),
  capability: maybe(fc.constantFrom('read', 'write')),
  riskTags: maybe(small(['pii', 'prod', 'net'])),
  labels: maybe(fc.constantFrom({ env: 'prod' }, { env: 'dev' }, {})),
  secretsPresent: maybe(fc.boolean()),
  mcp: maybe(fc.constantFrom({ tool: 'read' }, { tool: 'rm', server: 'evil' })),
}).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

type RawRule = typeof ruleArb extends fc.Arbitrary<infer T> ? T : never;

function toRules(raw: RawRule[]): Rule[] {
  return raw.map(({ decision, ...match }, i) => ({
    id: `r${i}`,
    decision,
    match: Object.fromEntries(Object.entries(match).filter(([, v]) => v !== undefined)),
  }));
}

/** The reference: each rule in order, the first with no mismatching field. */
function reference(snapshot: PolicySnapshot, request: PolicyRequest) {
  const tenant = tenantOf(snapshot, request);
  const rule = snapshot.rules.find((r) => firstMismatch(r, request, tenant) === undefined);
  return { decision: rule?.decision ?? 'allow', ruleId: rule?.id };
}

describe('indexed first match', () => {
  it('agrees with firstMismatch on generated policies and requests', () => {
    let compared = 0;
    let matched = 0;
    let rules = 0;
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 5, maxLength: 80, size: 'large' }),
        fc.array(requestArb, { minLength: 10, maxLength: 40 }), (rawRules, requests) => {
          const snapshot = buildSnapshot([{ packId: 'p', fragment: { rules: toRules(rawRules) } }]);
          rules += rawRules.length;
          for (const request of requests) {
            const got = decide(snapshot, request as PolicyRequest);
            expect({ decision: got.decision, ruleId: got.ruleId })
              .toEqual(reference(snapshot, request as PolicyRequest));
            compared++;
            if (got.ruleId !== undefined) matched++;
          }
        }),
      { numRuns: 800, seed: 20261204 },
    );
    expect(compared).toBeGreaterThan(10_000);
    expect(rules).toBeGreaterThan(10_000);
    // Both outcomes occur often, so the agreement is not only on "nothing matched".
    expect(matched / compared).toBeGreaterThan(0.2);
    expect(matched / compared).toBeLessThan(0.95);
  });

  it('keeps rule order when a literal, a prefix and a catch-all rule all match', () => {
    const rules: Rule[] = [
      { id: 'any-prod', match: { labels: { env: 'prod' } }, decision: 'deny' },
      { id: 'prefix', match: { topics: ['job.a.*'] }, decision: 'require_approval' },
      { id: 'literal', match: { topics: ['job.a.run'] }, decision: 'allow' },
    ];
    const snapshot = buildSnapshot([{ packId: 'p', fragment: { rules } }]);
    expect(decide(snapshot, { topic: 'job.a.run', labels: { env: 'prod' } }).ruleId)
      .toBe('any-prod');
    expect(decide(snapshot, { topic: 'job.a.run' }).ruleId).toBe('prefix');
    expect(decide(snapshot, { topic: 'job.a/b' }).ruleId).toBeUndefined();
    expect(decide(snapshot, {}).decision).toBe('allow');
  });
});
