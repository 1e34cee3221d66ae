/** Conflict detection, table-driven: shadowed rules and opposite overlaps, by rule id. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintRules, mcpCovers } from '../../packs/policy/lint.js';
import { mcpMatches } from '../../packs/policy/mcp.js';
import type { PolicyRequest, Rule, RuleMatch } from '../../packs/policy/types.js';

const rule = (id: string, match: RuleMatch, decision: Rule['decision'] = 'deny'): Rule =>
  ({ id, match, decision });

const cases: { name: string; rules: Rule[]; expected: [string, string, string][] }[] = [
  { name: 'a catch-all shadows everything after it',
    rules: [rule('all', {}), rule('late', { topics: ['job.a.x'] })],
    expected: [['shadowed', 'late', 'all']] },
  { name: 'a prefix glob shadows a literal and a narrower prefix under it',
    rules: [rule('p', { topics: ['job.a.*'] }), rule('lit', { topics: ['job.a.run'] }),
      rule('narrow', { topics: ['job.a.run*'] })],
    expected: [['shadowed', 'lit', 'p'], ['shadowed', 'narrow', 'p']] },
  { name: 'a star does not cross a slash, so no shadow there',
    rules: [rule('p', { topics: ['job.*'] }), rule('slash', { topics: ['job.a/b'] })],
    expected: [] },
  { name: 'an earlier rule with an extra condition shadows nothing',
    rules: [rule('prod', { topics: ['job.a.*'], labels: { env: 'prod' } }),
      rule('all-a', { topics: ['job.a.*'] })],
    expected: [] },
  { name: 'tenants compare without case; requires of the earlier must be a subset',
    rules: [rule('t', { tenants: ['ACME'], requires: ['net'] }),
      rule('later', { tenants: ['acme'], requires: ['net', 'fs'] })],
    expected: [['shadowed', 'later', 't']] },
  { name: 'overlapping allow and deny are a conflict',
    rules: [rule('allow-a', { topics: ['job.a.*'], capabilities: ['read'] }, 'allow'),
      rule('deny-run', { topics: ['job.a.run'], risk_tags: ['prod'] }, 'deny')],
    expected: [['conflict', 'deny-run', 'allow-a']] },
  { name: 'disjoint labels or capabilities do not conflict; other pairs do',
    rules: [rule('dev', { labels: { env: 'dev' } }, 'allow'),
      rule('prod', { labels: { env: 'prod' } }, 'deny'),
      rule('read', { capabilities: ['read'] }, 'allow'),
      rule('write', { capabilities: ['write'], labels: { env: 'dev' } }, 'require_approval')],
    expected: [['conflict', 'read', 'prod'], ['shadowed', 'write', 'dev']] },
  { name: 'a glob shadows later ones written with ? and classes that it covers',
    rules: [rule('p', { topics: ['job.*'] }), rule('one', { topics: ['job.?'] }),
      rule('cls', { topics: ['job.[ab]x*'] }), rule('neg', { topics: ['job.[^/]'] })],
    expected: [['shadowed', 'one', 'p'], ['shadowed', 'cls', 'p'], ['shadowed', 'neg', 'p']] },
  { name: 'a class shadows a narrower class, a ? does not shadow a star',
    rules: [rule('wide', { topics: ['job.[a-f]?'] }), rule('narrow', { topics: ['job.[b-c]x'] }),
      rule('q', { topics: ['job.?'] }), rule('star', { topics: ['job.*'] })],
    expected: [['shadowed', 'narrow', 'wide']] },
  { name: 'no shadow where the later pattern reaches past the earlier',
    rules: [rule('cls', { topics: ['job.[a-c]'] }), rule('wider', { topics: ['job.[a-d]'] }),
      rule('st', { topics: ['job.*'] }), rule('slash', { topics: ['job.[/]'] })],
    expected: [] },
  { name: 'globs whose literal prefixes part ways never meet, so never conflict',
    rules: [rule('a', { topics: ['job.a.*'] }, 'allow'), rule('b', { topics: ['job.b.*'] }),
      rule('ab', { topics: ['job.*.x'] })],
    expected: [['conflict', 'ab', 'a']] },
  { name: 'a shadowed rule never decides, so it wins no conflict',
    rules: [rule('acme', { tenants: ['acme'] }, 'deny'),
      rule('acme-deploy', { tenants: ['acme'], topics: ['job.x.deploy'] }, 'allow'),
      rule('prod', { labels: { env: 'prod' } }, 'require_approval')],
    expected: [['shadowed', 'acme-deploy', 'acme']] },
  { name: 'same-side decisions never conflict',
    rules: [rule('a', { topics: ['job.a.*'] }, 'deny'),
      rule('b', { topics: ['job.*'] }, 'require_approval')],
    expected: [] },
];

describe('policy lint', () => {
  it.each(cases)('$name', ({ rules, expected }) => {
    expect(lintRules(rules).map((f) => [f.kind, f.ruleId, f.byRuleId])).toEqual(expected);
  });
});

describe('policy lint through mcp allow and deny lists', () => {
  it.each([
    { name: 'a deny list shadows a rule denying fewer tools',
      rules: [rule('no-rm', { mcp: { deny_tools: ['rm', 'dd'] } }),
        rule('no-rm-again', { mcp: { deny_tools: ['rm'] } })],
      expected: [['shadowed', 'no-rm-again', 'no-rm']] },
    { name: 'an allow list shadows a rule allowing more (and one denying a tool it leaves out)',
      rules: [rule('read-only', { mcp: { allow_tools: ['read'] } }),
        rule('read-list', { mcp: { allow_tools: ['read', 'list'] } }),
        rule('no-rm', { mcp: { deny_tools: ['rm'] } }),
        rule('no-read', { mcp: { deny_tools: ['read'] } })],
      expected: [['shadowed', 'read-list', 'read-only'], ['shadowed', 'no-rm', 'read-only']] },
    { name: 'a narrower allow list, another part, or no block at all is not shadowed',
      rules: [rule('read-list', { mcp: { allow_tools: ['read', 'list'] } }),
        rule('read-only', { mcp: { allow_tools: ['read'] } }),
        rule('servers', { mcp: { deny_servers: ['prod'] } }),
        rule('any', { topics: ['job.x'] })],
      expected: [] },
    { name: 'an empty block matches everything, so it shadows like a catch-all',
      rules: [rule('empty', { mcp: { allow_tools: [] } }),
        rule('no-rm', { mcp: { deny_tools: ['rm'] } })],
      expected: [['shadowed', 'no-rm', 'empty']] },
  ])('$name', ({ rules, expected }) => {
    expect(lintRules(rules).map((f) => [f.kind, f.ruleId, f.byRuleId])).toEqual(expected);
  });

  // Every call over a small alphabet, a value in no list among them, and parts left out.
  const values = [undefined, 'a', 'b', 'c', 'other'];
  const calls: (PolicyRequest['mcp'] | undefined)[] = [undefined];
  for (const server of values) for (const tool of values) for (const resource of values) {
    for (const action of values) {
      const call: NonNullable<PolicyRequest['mcp']> = {};
      if (server) call.server = server;
      if (tool) call.tool = tool;
      if (resource) call.resource = resource;
      if (action) call.action = action;
      calls.push(call);
    }
  }
  const list = fc.option(fc.subarray(['a', 'b', 'c']), { nil: undefined });
  const block = fc.option(fc.record({ allow_servers: list, deny_servers: list,
    allow_tools: list, deny_tools: list, allow_resources: list, deny_resources: list,
    allow_actions: list, deny_actions: list }, { requiredKeys: [] }), { nil: undefined });

  it('says a block covers another exactly when every call the second matches, the first does',
    () => {
      fc.assert(fc.property(block, block, (a, b) => {
        const truth = calls.every((call) => !mcpMatches(b ?? {}, call) ||
          mcpMatches(a ?? {}, call));
        expect(mcpCovers(a, b)).toBe(truth);
      }), { numRuns: 3000 });
    });
});
