/** Constraint templates: named sets merged into rules by the documented precedence. */
import { describe, expect, it } from 'vitest';
import { toFragment } from '../../packs/policy/fragment.js';
import { checkFormat } from '../../packs/schemas.js';

const raw = {
  constraint_templates: {
    sandboxed: { sandbox: { isolated: true, network_allowlist: ['api.internal'] },
      budgets: { max_runtime_ms: 60_000, max_retries: 1 } },
    short: { budgets: { max_runtime_ms: 5_000 } },
  },
  rules: [
    { id: 'both', decision: 'allow_with_constraints', templates: ['sandboxed', 'short'],
      constraints: { budgets: { max_retries: 0 }, sandbox: { network_allowlist: [] } } },
    { id: 'plain', decision: 'allow', constraints: { redaction_level: 'high' } },
  ],
};

describe('constraint templates', () => {
  it('passes the fragment schema', () => {
    expect(checkFormat('policy-fragment', raw, 'f.yaml')).toEqual([]);
  });

  it('merges templates in order, then the rule’s own constraints on top', () => {
    const [both, plain] = toFragment(raw, { packId: 'p', file: 'f.yaml' }).rules;
    expect(both!.constraints).toEqual({
      sandbox: { isolated: true, network_allowlist: [] },
      budgets: { max_runtime_ms: 5_000, max_retries: 0 },
    });
    expect(plain!.constraints).toEqual({ redaction_level: 'high' });
  });

  it('refuses a rule id used twice, at the second one', () => {
    const twice = { rules: [{ id: 'r', decision: 'allow' }, { id: 'r', decision: 'deny' }] };
    expect(() => toFragment(twice, { file: 'f.yaml' })).toThrow(expect.objectContaining({
      code: 'validation_failed',
      issues: [{ file: 'f.yaml', path: '/rules/1/id',
        message: 'rule id "r" is used by an earlier rule' }] }));
  });

  it('refuses a rule id with a line break or other control character, or past 256', () => {
    const forged = 'we"ird\nid} 1\nfake_metric 42';
    expect(() => toFragment({ rules: [{ id: forged, decision: 'allow' }] }, { file: 'f.yaml' }))
      .toThrow(expect.objectContaining({ code: 'validation_failed',
        message: 'f.yaml: /rules/0/id: rule id ' +
          '"we\\"ird\\u000aid} 1\\u000afake_metric 42" holds a ' +
          'control character or passes 256 characters; write it on one line, in printable ' +
          'characters' }));
    // C1 controls and the line separator are written out too, never sent raw.
    expect(() => toFragment({ rules: [{ id: 'ok\u009b31m\u2028x', decision: 'allow' }] },
      { file: 'f.yaml' })).toThrow('rule id "ok\\u009b31m\\u2028x" holds');
    const long = { rules: [{ id: 'x'.repeat(257), decision: 'allow' }] };
    expect(() => toFragment(long, { file: 'f.yaml' })).toThrow(/passes 256 characters/);
    expect(toFragment({ rules: [{ id: 'ok-id.v2 (é)', decision: 'allow' }] }, {}).rules[0]!.id)
      .toBe('ok-id.v2 (é)');
  });

  it('refuses a rule that names a template the fragment lacks, with the path', () => {
    const bad = { rules: [{ id: 'r', decision: 'allow', templates: ['nope'] }] };
    expect(() => toFragment(bad, { file: 'f.yaml' })).toThrow(expect.objectContaining({
      code: 'validation_failed',
      message: 'f.yaml: /rules/0/templates/0: rule r uses constraint template "nope", which ' +
        'the fragment does not define',
      issues: [{ file: 'f.yaml', path: '/rules/0/templates/0',
        message: 'unknown constraint template "nope"' }] }));
  });
});
