/** The compiled predicates agree with the readable reference matcher, case by case. */
import { describe, expect, it } from 'vitest';
import { compileRule } from '../../packs/policy/compile.js';
import { firstMismatch } from '../../packs/policy/evaluate.js';
import type { PolicyRequest, Rule } from '../../packs/policy/types.js';

const RULES: Rule[] = [
  { id: 'exact', decision: 'deny', match: { topics: ['job.a.write'] } },
  { id: 'prefix', decision: 'allow', match: { topics: ['job.a.*'], risk_tags: ['read'] } },
  { id: 'glob', decision: 'allow', match: { topics: ['job.?.[rw]*'] } },
  { id: 'tenant', decision: 'deny', match: { tenants: ['Acme'], capabilities: ['a.write'] } },
  { id: 'requires', decision: 'require_approval', match: { requires: ['net', 'fs'] } },
  { id: 'actors', decision: 'deny', match: { actor_ids: ['bot'], actor_types: ['agent'],
    pack_ids: ['a'] } },
  { id: 'labels', decision: 'throttle', match: { labels: { env: 'prod' },
    secrets_present: true } },
  { id: 'mcp', decision: 'deny', match: { mcp: { allow_tools: ['read'], deny_servers: ['x'] } } },
  { id: 'any', decision: 'allow', match: {} },
];

const TOPICS = ['job.a.write', 'job.a.read', 'job.a.x/y', 'job.b.write', 'job.bb.read', 'x'];

/** A small deterministic generator (LCG), so every run sees the same requests. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  return {
    pick: <T>(list: T[]): T => list[next() % list.length]!,
    coin: () => next() % 2 === 0,
  };
}

function requestFor(n: number): PolicyRequest {
  const g = generator(n + 1);
  const r: PolicyRequest = { topic: g.pick(TOPICS), tenantId: g.pick(['acme', 'ACME', 'other']) };
  if (g.coin()) r.riskTags = g.pick([['read'], ['write'], []]);
  if (g.coin()) r.requires = g.pick([['net'], ['net', 'fs'], ['fs', 'net', 'x']]);
  if (g.coin()) r.capability = g.pick(['a.write', 'a.read']);
  if (g.coin()) {
    Object.assign(r, { actorId: 'bot', actorType: g.pick(['agent', 'human']), packId: 'a' });
  }
  if (g.coin()) r.labels = g.pick([{ env: 'prod' }, { env: 'dev' }]);
  if (g.coin()) r.secretsPresent = g.coin();
  if (g.coin()) r.mcp = g.pick([{ tool: 'read' }, { tool: 'rm' }, { server: 'x' }]);
  return r;
}

describe('compiled rules', () => {
  it.each(RULES)('agree with firstMismatch for rule $id over 2,000 requests', (rule) => {
    const predicate = compileRule(rule);
    let matched = 0;
    for (let n = 0; n < 2000; n++) {
      const request = requestFor(n);
      const tenant = (request.tenantId ?? 'default').toLowerCase();
      const expected = firstMismatch(rule, request, tenant) === undefined;
      expect(predicate(request, tenant)).toBe(expected);
      if (expected) matched++;
    }
    // Each rule both matches and misses somewhere in the table, or the test proves little.
    if (rule.id !== 'any') expect(matched).toBeGreaterThan(0);
    if (rule.id !== 'any') expect(matched).toBeLessThan(2000);
  });
});
