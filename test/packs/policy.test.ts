/**
 * The policy model: first-match decisions over every match field, decision
 * aliases, the legacy tenants form, snapshot hashes, and the real packs' own
 * policy simulations. Topic globs have their own suite, glob.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readPackDir } from '../../packs/bundle/source.js';
import { loadPack } from '../../packs/load.js';
import { DECISION_NAMES, normalizeDecision } from '../../packs/policy/decisions.js';
import { decide } from '../../packs/policy/evaluate.js';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { PolicyRequest, RuleMatch } from '../../packs/policy/types.js';
import { runSimulations } from '../../packs/simulate.js';
import { copyPack, edit, REAL_PACK_NAMES, realPack } from './helpers/packs.js';

function snapshotOf(raw: RawFragment, packId = 'p') {
  return buildSnapshot([{ packId, fragment: toFragment(raw, { packId }) }]);
}

/** One rule, decision deny, so a match shows as `deny` and no match as `allow`. */
function denies(match: RuleMatch, request: PolicyRequest): boolean {
  const snapshot = snapshotOf({ rules: [{ id: 'r', match, decision: 'deny' }] });
  return decide(snapshot, request).decision === 'deny';
}

type MatchCase = [field: string, match: RuleMatch, request: PolicyRequest, matches: boolean];

const matchCases: MatchCase[] = [
  ['empty match', {}, {}, true],
  ['empty lists', { topics: [], tenants: [], risk_tags: [] }, { topic: 'job.x.y' }, true],
  ['tenants exact', { tenants: ['acme'] }, { tenantId: 'acme' }, true],
  ['tenants case-insensitive', { tenants: ['Acme'] }, { tenantId: 'ACME' }, true],
  ['tenants other', { tenants: ['acme'] }, { tenantId: 'beta' }, false],
  ['tenants default', { tenants: ['default'] }, {}, true],
  ['tenants no default', { tenants: ['acme'] }, {}, false],
  ['topics glob', { topics: ['job.a.*'] }, { topic: 'job.a.run' }, true],
  ['topics any of', { topics: ['job.b.*', 'job.a.run'] }, { topic: 'job.a.run' }, true],
  ['topics other', { topics: ['job.a.*'] }, { topic: 'job.b.run' }, false],
  ['topics none asked', { topics: ['*'] }, {}, false],
  ['capabilities exact', { capabilities: ['a.read'] }, { capability: 'a.read' }, true],
  ['capabilities case', { capabilities: ['a.read'] }, { capability: 'a.Read' }, false],
  ['capabilities none', { capabilities: ['a.read'] }, {}, false],
  ['risk_tags one of', { risk_tags: ['write', 'prod'] }, { riskTags: ['prod'] }, true],
  ['risk_tags none of', { risk_tags: ['write', 'prod'] }, { riskTags: ['read'] }, false],
  ['risk_tags empty', { risk_tags: ['write'] }, { riskTags: [] }, false],
  ['requires all', { requires: ['net', 'fs'] }, { requires: ['fs', 'x', 'net'] }, true],
  ['requires some', { requires: ['net', 'fs'] }, { requires: ['net'] }, false],
  ['requires none', { requires: ['net'] }, {}, false],
  ['pack_ids', { pack_ids: ['slack'] }, { packId: 'slack' }, true],
  ['pack_ids other', { pack_ids: ['slack'] }, { packId: 'github' }, false],
  ['actor_ids', { actor_ids: ['u1', 'u2'] }, { actorId: 'u2' }, true],
  ['actor_ids other', { actor_ids: ['u1'] }, { actorId: 'U1' }, false],
  ['actor_types', { actor_types: ['agent'] }, { actorType: 'agent' }, true],
  ['actor_types other', { actor_types: ['agent'] }, { actorType: 'human' }, false],
  ['labels all equal', { labels: { env: 'prod', team: 'a' } },
    { labels: { team: 'a', env: 'prod', x: 'y' } }, true],
  ['labels one missing', { labels: { env: 'prod', team: 'a' } }, { labels: { env: 'prod' } },
    false],
  ['labels one differs', { labels: { env: 'prod' } }, { labels: { env: 'Prod' } }, false],
  ['labels none asked', { labels: { env: 'prod' } }, {}, false],
  ['secrets_present true', { secrets_present: true }, { secretsPresent: true }, true],
  ['secrets_present true, absent', { secrets_present: true }, {}, false],
  ['secrets_present false, absent', { secrets_present: false }, {}, true],
  ['secrets_present false, true', { secrets_present: false }, { secretsPresent: true }, false],
  ['mcp outside allow list', { mcp: { allow_tools: ['read'] } }, { mcp: { tool: 'write' } },
    true],
  ['mcp inside allow list', { mcp: { allow_tools: ['read'] } }, { mcp: { tool: 'read' } },
    false],
  ['mcp in deny list', { mcp: { deny_servers: ['evil'] } }, { mcp: { server: 'evil' } }, true],
  ['mcp not in deny list', { mcp: { deny_servers: ['evil'] } }, { mcp: { server: 'good' } },
    false],
  ['mcp deny action', { mcp: { deny_actions: ['delete'] } },
    { mcp: { server: 's', action: 'delete' } }, true],
  ['mcp resource allow', { mcp: { allow_resources: ['db://a'] } },
    { mcp: { resource: 'db://b' } }, true],
  ['mcp no call', { mcp: { deny_tools: ['rm'] } }, {}, false],
  // An empty field matches anything (the format), `mcp` among them.
  ['mcp empty block, no call', { mcp: {} }, {}, true],
  ['mcp empty block, a call', { mcp: {} }, { mcp: { tool: 'x' } }, true],
  ['mcp only empty lists', { mcp: { allow_tools: [], deny_servers: [] } },
    { mcp: { tool: 'x' } }, true],
  ['mcp call without that field', { mcp: { allow_tools: ['read'] } }, { mcp: { server: 's' } },
    false],
  ['all fields hold', {
    tenants: ['acme'], topics: ['job.a.*'], capabilities: ['a.w'], risk_tags: ['w'],
    requires: ['net'], pack_ids: ['a'], actor_ids: ['u'], actor_types: ['agent'],
    labels: { env: 'prod' }, secrets_present: true,
  }, {
    tenantId: 'acme', topic: 'job.a.x', capability: 'a.w', riskTags: ['w'], requires: ['net'],
    packId: 'a', actorId: 'u', actorType: 'agent', labels: { env: 'prod' }, secretsPresent: true,
  }, true],
  ['all fields but one hold', { tenants: ['acme'], topics: ['job.a.*'], pack_ids: ['a'] },
    { tenantId: 'acme', topic: 'job.a.x', packId: 'b' }, false],
];

describe('decide', () => {
  it.each(matchCases)('%s', (_name, match, request, matches) => {
    expect(denies(match, request)).toBe(matches);
  });

  it('lets the first matching rule decide and says which', () => {
    const snapshot = snapshotOf({ rules: [
      { id: 'other', match: { topics: ['job.b.*'] }, decision: 'deny' },
      { id: 'first', match: { topics: ['job.a.*'] }, decision: 'require_approval',
        reason: 'needs a human' },
      { id: 'second', match: { topics: ['job.*'] }, decision: 'deny' },
    ] });
    expect(decide(snapshot, { topic: 'job.a.x' })).toEqual({ decision: 'require_approval',
      ruleId: 'first', reason: 'needs a human', snapshotHash: snapshot.hash });
    expect(decide(snapshot, { topic: 'job.c.x' })).toMatchObject({ ruleId: 'second' });
  });

  it('allows by default, with no rule id', () => {
    const snapshot = snapshotOf({ rules: [{ match: { topics: ['job.b.*'] }, decision: 'deny' }] });
    expect(decide(snapshot, { topic: 'job.a.x' })).toEqual({ decision: 'allow',
      snapshotHash: snapshot.hash });
    const empty = buildSnapshot([]);
    expect(decide(empty, {})).toEqual({ decision: 'allow', snapshotHash: empty.hash });
  });

  it('returns the constraints and remediations of the rule', () => {
    const constraints = { budgets: { max_runtime_ms: 1000, max_retries: 1 },
      sandbox: { isolated: true, network_allowlist: ['api.example.com'] },
      redaction_level: 'strict' };
    const remediations = [{ id: 'safe', replacement_topic: 'job.p.safe',
      add_labels: { mode: 'safe' } }];
    const snapshot = snapshotOf({ rules: [
      { id: 'c', match: { topics: ['job.p.run'] }, decision: 'allow_with_constraints',
        constraints },
      { id: 'd', match: { topics: ['job.p.rm'] }, decision: 'deny', remediations },
    ] });
    expect(decide(snapshot, { topic: 'job.p.run' })).toMatchObject({
      decision: 'allow_with_constraints', constraints });
    expect(decide(snapshot, { topic: 'job.p.rm' })).toMatchObject({ decision: 'deny',
      remediations });
  });

  it('hands out constraints no job can change: the rule keeps its own', () => {
    const snapshot = snapshotOf({ rules: [{ id: 'c', match: { topics: ['job.p.run'] },
      decision: 'allow_with_constraints', constraints: { budgets: { max_retries: 1 },
        sandbox: { network_allowlist: ['api.example.com'] } } }] });
    const given = decide(snapshot, { topic: 'job.p.run' }).constraints!;
    expect(() => { given.budgets!.max_retries = 9; }).toThrow(TypeError);
    expect(() => { given.sandbox!.network_allowlist!.push('evil.example'); }).toThrow(TypeError);
    expect(decide(snapshot, { topic: 'job.p.run' }).constraints).toEqual({
      budgets: { max_retries: 1 }, sandbox: { network_allowlist: ['api.example.com'] } });
  });

  it('uses the default_tenant of the fragment when the request names none', () => {
    const snapshot = snapshotOf({ default_tenant: 'acme', rules: [
      { id: 'acme-only', match: { tenants: ['acme'] }, decision: 'deny' },
    ] });
    expect(decide(snapshot, {}).decision).toBe('deny');
    expect(decide(snapshot, { tenantId: 'beta' }).decision).toBe('allow');
  });
});

describe('decision names', () => {
  it.each([
    ['allow', 'allow'], ['permit', 'allow'], ['deny', 'deny'], ['block', 'deny'],
    ['require_approval', 'require_approval'], ['require-approval', 'require_approval'],
    ['require_human', 'require_approval'], ['allow_with_constraints', 'allow_with_constraints'],
    ['allow-with-constraints', 'allow_with_constraints'], ['throttle', 'throttle'],
  ])('a rule with %s decides %s', (alias, canonical) => {
    const snapshot = snapshotOf({ rules: [{ id: 'r', decision: alias }] });
    expect(snapshot.rules[0]!.decision).toBe(canonical);
    expect(decide(snapshot, { topic: 'job.p.x' })).toMatchObject({ decision: canonical });
  });

  it('covers every alias', () => {
    expect([...DECISION_NAMES].sort()).toEqual(['allow', 'allow-with-constraints',
      'allow_with_constraints', 'block', 'deny', 'permit', 'require-approval',
      'require_approval', 'require_human', 'throttle']);
  });

  it.each([
    ['ALLOW', 'allow'], [' Deny ', 'deny'], ['REQUIRE_APPROVAL', 'require_approval'],
    ['Allow-With-Constraints', 'allow_with_constraints'], ['THROTTLE', 'throttle'],
    ['maybe', undefined], ['', undefined], ['allowed', undefined],
  ])('normalizeDecision(%j) is %s', (name, canonical) => {
    expect(normalizeDecision(name)).toBe(canonical);
  });
});

describe('the legacy tenants form', () => {
  const legacy: RawFragment = { tenants: {
    zeta: { allow_topics: ['job.z.*'] },
    acme: { deny_topics: ['job.p.rm', 'job.p.drop*'], allow_topics: ['job.p.*'] },
  } };

  it('becomes deny then allow rules per tenant, tenants in name order', () => {
    const { rules } = toFragment(legacy, { packId: 'p' });
    expect(rules.map((r) => [r.id, r.decision, r.match])).toEqual([
      ['legacy-acme-deny', 'deny', { tenants: ['acme'], topics: ['job.p.rm', 'job.p.drop*'] }],
      ['legacy-acme-allow', 'allow', { tenants: ['acme'], topics: ['job.p.*'] }],
      ['legacy-zeta-allow', 'allow', { tenants: ['zeta'], topics: ['job.z.*'] }],
    ]);
  });

  it('decides like the rules it stands for', () => {
    const snapshot = snapshotOf(legacy);
    expect(decide(snapshot, { tenantId: 'ACME', topic: 'job.p.dropall' })).toMatchObject({
      decision: 'deny', ruleId: 'legacy-acme-deny' });
    expect(decide(snapshot, { tenantId: 'acme', topic: 'job.p.run' })).toMatchObject({
      decision: 'allow', ruleId: 'legacy-acme-allow' });
    expect(decide(snapshot, { tenantId: 'beta', topic: 'job.p.rm' })).toEqual({
      decision: 'allow', snapshotHash: snapshot.hash });
  });

  it('is ignored when the fragment has rules', () => {
    const { rules } = toFragment({ ...legacy, rules: [{ id: 'only', decision: 'deny' }] }, {});
    expect(rules.map((r) => r.id)).toEqual(['only']);
  });

  it('fills in missing rule ids from the pack id', () => {
    const { rules } = toFragment({ rules: [{ decision: 'allow' }, { decision: 'deny' }] },
      { packId: 'slack' });
    expect(rules.map((r) => r.id)).toEqual(['slack-rule-1', 'slack-rule-2']);
  });
});

describe('policy snapshots', () => {
  const fragmentA = toFragment({ rules: [{ id: 'a1', match: { topics: ['job.a.*'] },
    decision: 'deny' }] }, { packId: 'a' });
  const fragmentB = toFragment({ rules: [{ id: 'b1', match: { topics: ['job.b.*'] },
    decision: 'require_approval' }] }, { packId: 'b' });
  const a = { packId: 'a', version: '1.0.0', fragment: fragmentA };
  const b = { packId: 'b', version: '2.0.0', fragment: fragmentB };

  it('hashes as sha256:<hex> and lists the packs', () => {
    const snapshot = buildSnapshot([a, b]);
    expect(snapshot.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(snapshot.packs).toEqual([{ id: 'a', version: '1.0.0' }, { id: 'b', version: '2.0.0' }]);
    expect(snapshot.rules.map((r) => r.id)).toEqual(['a1', 'b1']);
  });

  it('does not depend on the order packs are given in', () => {
    const ab = buildSnapshot([a, b]);
    const ba = buildSnapshot([b, a]);
    expect(ba.hash).toBe(ab.hash);
    expect(ba.rules).toEqual(ab.rules);
    expect(ba.packs).toEqual(ab.packs);
  });

  it('changes when a rule changes', () => {
    const base = buildSnapshot([a, b]).hash;
    const change = (edit: Partial<(typeof fragmentA.rules)[0]>) => buildSnapshot([
      { ...a, fragment: { rules: [{ ...fragmentA.rules[0]!, ...edit }] } }, b]).hash;
    expect(change({ decision: 'allow' })).not.toBe(base);
    expect(change({ match: { topics: ['job.a.x'] } })).not.toBe(base);
    expect(change({ id: 'a2' })).not.toBe(base);
    expect(change({ reason: 'why' })).not.toBe(base);
    // Where a rule came from is not part of what decides.
    expect(change({ source: { file: 'elsewhere.yaml', index: 9 } })).toBe(base);
  });

  it('changes when the default tenant changes', () => {
    const withTenant = buildSnapshot([{ ...a, fragment: { ...fragmentA,
      default_tenant: 'acme' } }, b]);
    expect(withTenant.hash).not.toBe(buildSnapshot([a, b]).hash);
    expect(withTenant.defaultTenant).toBe('acme');
  });

  it('is reported by every decision', () => {
    const snapshot = buildSnapshot([a, b]);
    expect(decide(snapshot, { topic: 'job.a.x' }).snapshotHash).toBe(snapshot.hash);
    expect(decide(snapshot, { topic: 'job.z.x' }).snapshotHash).toBe(snapshot.hash);
  });
});

describe('the real packs', () => {
  it.each(REAL_PACK_NAMES)('%s: every policy simulation passes', (name) => {
    const { results, snapshotHash } = runSimulations(loadPack(readPackDir(realPack(name))));
    expect(snapshotHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it.each(['slack', 'github'] as const)('%s: read is allowed, write needs approval', (name) => {
    const { results } = runSimulations(loadPack(readPackDir(realPack(name))));
    expect(results).toEqual([
      { name: 'allow_read', expected: 'ALLOW', actual: 'ALLOW', passed: true,
        ruleId: `${name}-read` },
      { name: 'write_requires_approval', expected: 'REQUIRE_APPROVAL', actual: 'REQUIRE_APPROVAL',
        passed: true, ruleId: `${name}-write`, reason: expect.stringContaining('approval') },
    ]);
  });

  it('demo-guardrails: approval, deny with a remediation, allow', () => {
    const pack = loadPack(readPackDir(realPack('demo-guardrails')));
    const snapshot = buildSnapshot(pack.fragments.map((f) => ({ packId: 'demo-guardrails',
      fragment: f.fragment })));
    expect(decide(snapshot, { topic: 'job.demo-guardrails.write', riskTags: ['write'] }))
      .toMatchObject({ decision: 'require_approval', ruleId: 'demo-guardrails-approval' });
    expect(decide(snapshot, { topic: 'job.demo-guardrails.write', riskTags: ['read'] }))
      .toEqual({ decision: 'allow', snapshotHash: snapshot.hash });
    expect(decide(snapshot, { topic: 'job.demo-guardrails.dangerous' })).toMatchObject({
      decision: 'deny', remediations: [{ replacement_topic: 'job.demo-guardrails.safe' }] });
    expect(decide(snapshot, { topic: 'job.demo-guardrails.safe' })).toMatchObject({
      decision: 'allow', ruleId: 'demo-guardrails-allow-safe' });
  });

  it('a simulation that expects the wrong decision fails, naming both', () => {
    const dir = copyPack('slack');
    edit(dir, 'pack.yaml', 'expectDecision: ALLOW', 'expectDecision: DENY');
    const { results } = runSimulations(loadPack(readPackDir(dir)));
    expect(results[0]).toMatchObject({ name: 'allow_read', expected: 'DENY', actual: 'ALLOW',
      passed: false, ruleId: 'slack-read' });
    expect(results[1]!.passed).toBe(true);
  });

  it('the merged snapshot of all four packs keeps each pack\'s decisions', () => {
    const inputs = REAL_PACK_NAMES.flatMap((name) => {
      const pack = loadPack(readPackDir(realPack(name)));
      return pack.fragments.map((f) => ({ packId: name, version: '0.1.0', fragment: f.fragment }));
    });
    const snapshot = buildSnapshot(inputs);
    expect(snapshot.packs.map((p) => p.id)).toEqual(['demo-guardrails', 'github', 'hello-pack',
      'slack']);
    expect(buildSnapshot([...inputs].reverse()).hash).toBe(snapshot.hash);
    expect(decide(snapshot, { topic: 'job.github.write', riskTags: ['write'] }).decision)
      .toBe('require_approval');
    expect(decide(snapshot, { topic: 'job.hello-pack.echo', packId: 'hello-pack' }))
      .toMatchObject({ decision: 'allow', ruleId: 'hello-pack-allow' });
  });
});
