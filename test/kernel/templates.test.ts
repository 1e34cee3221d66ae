/** Constraint templates: named sets merged into rules by the documented precedence. */
import { describe, expect, it } from 'vitest';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
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

  it('refuses a template naming other templates, or a field no constraint set has', () => {
    // Passed on, `templates` went into every decision's constraints and `base` was never merged.
    const nested = { constraint_templates: {
      base: { budgets: { max_runtime_ms: 100 } },
      derived: { templates: ['base'], diff: { max_files: 3 } } },
    rules: [{ id: 'r', decision: 'allow_with_constraints', templates: ['derived'] }] };
    expect(checkFormat('policy-fragment', nested, 'f.yaml')).toEqual([]);
    expect(() => toFragment(nested as RawFragment, { file: 'f.yaml' }))
      .toThrow(expect.objectContaining({
      code: 'validation_failed',
      message: 'f.yaml: /constraint_templates/derived/templates: a constraint template cannot ' +
        'name other templates; list each one in the rule\'s templates, lowest precedence first',
      issues: [expect.objectContaining({ path: '/constraint_templates/derived/templates' })] }));
    const typo = { constraint_templates: { 'a/b': { budgets: { max_runtme_ms: 5 } } },
      rules: [{ id: 'r', decision: 'allow_with_constraints', templates: ['a/b'] }] };
    expect(() => toFragment(typo as RawFragment, { file: 'f.yaml' })).toThrow('f.yaml: ' +
      '/constraint_templates/a~1b/budgets/max_runtme_ms: "max_runtme_ms" is not a constraint ' +
      'field of budgets; did you mean max_runtime_ms?');
    const top = { constraint_templates: { t: { network_allowlist: ['x'] } }, rules: [] };
    expect(() => toFragment(top as RawFragment, { file: 'f.yaml' }))
      .toThrow('/constraint_templates/t/' +
      'network_allowlist: "network_allowlist" is not a constraint field (expected budgets, ' +
      'sandbox, toolchain, diff, redaction_level)');
  });

  it('refuses a rule field or constraint a slip away from one it has, and lets others be', () => {
    const at = (rule: Record<string, unknown>) => () => toFragment({
      constraint_templates: { audited: { redaction_level: 'standard' } },
      rules: [{ id: 'ok', decision: 'allow' }, { id: 'r', decision: 'allow_with_constraints',
        ...rule }] } as RawFragment, { file: 'f.yaml' });
    // Taken as is, each left the rule with no constraints at all.
    expect(at({ template: ['audited'] })).toThrow(expect.objectContaining({
      code: 'validation_failed', message: 'f.yaml: /rules/1/template: "template" is not a rule ' +
        'field; did you mean templates?',
      issues: [{ file: 'f.yaml', path: '/rules/1/template',
        message: '"template" is not a rule field; did you mean templates?' }] }));
    expect(at({ Constraints: { budgets: { max_retries: 0 } } }))
      .toThrow('/rules/1/Constraints: "Constraints" is not a rule field; did you mean ' +
        'constraints?');
    expect(at({ constraints: { budget: { max_retries: 0 } } })).toThrow('/rules/1/constraints/' +
      'budget: "budget" is not a constraint field; did you mean budgets?');
    expect(at({ constraints: { budgets: { max_runtme_ms: 5 } } })).toThrow('/rules/1/' +
      'constraints/budgets/max_runtme_ms: "max_runtme_ms" is not a constraint field of ' +
      'budgets; did you mean max_runtime_ms?');
    expect(at({ constraints: { templates: ['audited'] } })).toThrow('/rules/1/constraints/' +
      'templates: templates is a rule field, not a constraint: write it beside the rule\'s ' +
      'constraints');
    // Fields of their own that are no slip (a pack written for Cordum) are let be.
    const mine = { rules: [{ id: 'r', decision: 'allow_with_constraints', owner: 'sre',
      constraints: { budgets: { max_retries: 0, max_cost_usd: 3 } } }] };
    const own = toFragment(mine as unknown as RawFragment, { file: 'f.yaml' });
    expect(own.rules[0]!.constraints).toEqual({ budgets: { max_retries: 0, max_cost_usd: 3 } });
  });
});
