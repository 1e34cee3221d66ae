/**
 * What validatePack warns of and still validates (an undeclared topic, a
 * rule or tenants list that reaches other packs' jobs, an unused field, a
 * simulation field the kernel does not know), and how it judges workflow
 * parameters and retries as the engine will use them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackDir } from '../../packs/bundle/source.js';
import { validatePack } from '../../packs/load.js';
import {
  APPROVAL, copyPack, edit, PACK, REAL_PACK_NAMES, realPack, writeIn,
} from './helpers/packs.js';

describe('validatePack of a pack.yaml with fields the format does not name', () => {
  it('warns of each, with the field likely meant, and still validates', () => {
    const dir = copyPack('hello-pack');
    edit(dir, PACK, /^  title:/m, '  tittle:');
    edit(dir, PACK, /\s*$/, '\nrequires_pack:\n  - deplib\nx-vendor: 1\n');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { file: PACK, path: '/metadata/tittle', rule: 'field_unknown',
        message: '"tittle" is not a field here, so it is ignored: did you mean "title"?' },
      { file: PACK, path: '/requires_pack', rule: 'field_unknown',
        message: '"requires_pack" is not a field here, so it is ignored: did you mean ' +
          '"requires_packs"?' },
      { file: PACK, path: '/x-vendor', rule: 'field_unknown',
        message: '"x-vendor" is not a field here, so it is ignored' },
    ]);
  });

  it('warns of none in the real packs', () => {
    for (const name of REAL_PACK_NAMES) {
      expect(validatePack(readPackDir(realPack(name))).warnings).toEqual([]);
    }
  });
});

describe('validatePack of a broken copy', () => {
  it('warns about a step topic of the pack that pack.yaml does not declare', () => {
    const dir = copyPack('demo-guardrails');
    edit(dir, APPROVAL, 'topic: job.demo-guardrails.safe', 'topic: job.demo-guardrails.other');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ file: APPROVAL,
      path: '/steps/confirm/topic', rule: 'topic_undeclared' })]);
  });

  it('warns of a legacy tenants list that reaches other packs\' jobs', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, 'overlays/policy.fragment.yaml', 'tenants:\n  default:\n' +
      '    deny_topics: ["job.*"]\n    allow_topics: ["job.hello-pack.*"]\n');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({
      path: '/tenants/default/deny_topics/0', rule: 'policy_reaches_other_packs' })]);
  });

  it('warns of legacy tenants parts that decide nothing: beside rules, or not topic lists', () => {
    const dir = copyPack('hello-pack');
    const fragment = 'overlays/policy.fragment.yaml';
    // Each was accepted and dropped without a word: acme's deny list never applied.
    writeIn(dir, fragment, 'rules:\n  - id: r\n    match: { topics: [job.hello-pack.a] }\n' +
      '    decision: allow\ntenants:\n  acme:\n    deny_topics: [job.hello-pack.x]\n');
    const beside = validatePack(readPackDir(dir));
    expect(beside.ok).toBe(true);
    expect(beside.warnings).toEqual([{ file: fragment, path: '/tenants', rule: 'field_unused',
      message: expect.stringMatching(/^tenants is not used beside rules/) }]);
    writeIn(dir, fragment, 'tenants:\n  acme:\n    deny_topics: [job.hello-pack.x]\n' +
      '    max_concurrent_jobs: 2\n    mcp: { deny_tools: [rm] }\n');
    const parts = validatePack(readPackDir(dir));
    expect(parts.warnings.map((w) => [w.path, w.rule])).toEqual([
      ['/tenants/acme/max_concurrent_jobs', 'field_unused'],
      ['/tenants/acme/mcp', 'field_unused']]);
    expect(parts.warnings[1]!.message).toBe('mcp decides nothing here: only deny_topics and ' +
      'allow_topics become rules (and `cordum pack migrate` drops it); write it as a rule');
  });

  it('lists a fragment\'s rule problem among the pack\'s other problems, not alone', () => {
    const dir = copyPack('demo-guardrails');
    writeIn(dir, 'overlays/policy.fragment.yaml', 'rules:\n  - id: r\n    decision: allow\n' +
      '    templates: [nope]\n');
    edit(dir, APPROVAL, 'topic: job.demo-guardrails.safe', 'topic: 5');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: APPROVAL }),
      { file: 'overlays/policy.fragment.yaml', path: '/rules/0/templates/0',
        message: 'unknown constraint template "nope"', rule: 'policy_fragment' }]));
  });

  it('warns that output_path is not used, naming the step', () => {
    const dir = copyPack('demo-guardrails');
    edit(dir, APPROVAL, 'topic: job.demo-guardrails.safe',
      'topic: job.demo-guardrails.safe\n    output_path: result.items');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ file: APPROVAL,
      path: '/steps/confirm/output_path', rule: 'field_unused',
      message: expect.stringMatching(/whole output is steps\.confirm\.output/) })]);
  });

  it('warns of a rule that reaches other packs\' jobs, and not of one held to its own', () => {
    const dir = copyPack('demo-guardrails');
    const fragment = 'overlays/policy.fragment.yaml';
    // The first rule opened to every pack's writes; the second held by pack_ids alone.
    edit(dir, fragment, '        - job.demo-guardrails.write', '        - "job.*.write"');
    edit(dir, fragment, '        - job.demo-guardrails.dangerous',
      '        - "job.*.dangerous"\n      pack_ids: [demo-guardrails]');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([{ file: fragment, path: '/rules/0/match',
      rule: 'policy_reaches_other_packs', message: expect.stringMatching(new RegExp(
        '^rule "demo-guardrails-approval" can decide other packs\' jobs: no topic under ' +
        'job\\.demo-guardrails\\. or pack_ids \\[demo-guardrails\\]')) }]);
  });
});

describe('a policy simulation with a request field the kernel does not know', () => {
  it('warns, naming the field and the one meant, and still validates', () => {
    const dir = copyPack('github');
    edit(dir, PACK, '        topic: job.github.read\n        riskTags: ["read", "network"]',
      '        topic: job.github.read\n        risk_tags: ["read", "network"]\n' +
      '        region: eu');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { file: PACK, path: '/tests/policySimulations/0/request/risk_tags',
        rule: 'simulation_request_field',
        message: 'unknown field; did you mean riskTags? (the simulation decides as if it ' +
          'were absent)' },
      expect.objectContaining({ path: '/tests/policySimulations/0/request/region',
        message: expect.stringMatching(/^unknown field; expected one of tenantId, topic, /) }),
    ]);
  });
});

describe('workflow parameters and retries, as the engine will use them', () => {
  const WF = 'workflows/echo.yaml';

  it('refuses a parameter default that breaks the workflow\'s input_schema', () => {
    const dir = copyPack('hello-pack');
    edit(dir, WF, 'timeout_sec: 60', 'timeout_sec: 60\nparameters:\n  - name: region\n' +
      '    default: mars\ninput_schema:\n  type: object\n  required: [message]\n' +
      '  properties:\n    region: { enum: [eu, us] }');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(false);
    // The required message is the caller's to give: only the default is judged.
    expect(result.issues).toEqual([{ file: WF, path: '/parameters', rule: 'parameter_default',
      message: expect.stringMatching(
        /^the default of parameter "region" does not match input_schema: \/region: /) }]);
  });

  it('warns of max_retries past the engine\'s cap of 10, in a loop body too', () => {
    const dir = copyPack('hello-pack');
    edit(dir, WF, '    topic: job.hello-pack.echo', '    topic: job.hello-pack.echo\n' +
      '    retry: { max_retries: 50 }');
    writeIn(dir, WF, readFileSync(join(dir, WF), 'utf8') + '  again:\n    type: loop\n' +
      '    depends_on: [echo]\n    while: "loop.index < 2"\n    max_iterations: 3\n' +
      '    body: { type: worker, topic: job.hello-pack.echo, retry: { max_retries: 11 },\n' +
      '      meta: { pack_id: hello-pack, capability: hello.echo } }\n');
    const result = validatePack(readPackDir(dir));
    expect(result.issues).toEqual([]);
    expect(result.warnings).toEqual([{ file: WF, path: '/steps/echo/retry/max_retries',
      rule: 'retry_capped', message: '50 retries asked; the engine retries a job at most 10 ' +
        'times' }, expect.objectContaining({ path: '/steps/again/body/retry/max_retries',
      message: '11 retries asked; the engine retries a job at most 10 times' })]);
  });
});
