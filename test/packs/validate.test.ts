/**
 * validatePack and loadPack on the real packs: each is clean, and loadPack
 * makes of it the workflows, schemas and rules it declares; a copy with
 * several things broken reports them all, and one that loadPack refuses
 * throws with the same issues. The single-break cases are in
 * validate_broken.test.ts, warnings in validate_warnings.test.ts, YAML in
 * validate_yaml.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackDir } from '../../packs/bundle/source.js';
import { loadPack, validatePack } from '../../packs/load.js';
import {
  APPROVAL, copyPack, ECHO, edit, FRAGMENT, PACK, REAL_PACK_NAMES, realPack, writeIn,
} from './helpers/packs.js';
import { thrown } from './helpers/thrown.js';

describe.each(REAL_PACK_NAMES)('the real pack %s', (name) => {
  it('validates with no issues and no warnings', () => {
    const result = validatePack(readPackDir(realPack(name)));
    expect(result.issues).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.pack?.manifest.metadata).toMatchObject({ id: name, version: '0.1.0' });
  });
});

describe('what loadPack makes of a real pack', () => {
  it('hello-pack: one workflow, two schemas, one rule', () => {
    const pack = loadPack(readPackDir(realPack('hello-pack')));
    expect(pack.workflows.map((w) => [w.id, w.file, Object.keys(w.steps)])).toEqual([
      ['hello-pack.echo', 'workflows/echo.yaml', ['echo']],
    ]);
    expect(pack.workflows[0]!.steps.echo).toMatchObject({ id: 'echo', type: 'worker',
      topic: 'job.hello-pack.echo', input_schema_id: 'hello-pack/HelloInput' });
    expect([...pack.schemas.keys()]).toEqual(['hello-pack/HelloInput', 'hello-pack/HelloOutput']);
    expect(pack.schemas.get('hello-pack/HelloInput')).toMatchObject({ required: ['message'] });
    expect(pack.fragments).toHaveLength(1);
    expect(pack.fragments[0]!.file).toBe('overlays/policy.fragment.yaml');
    expect(pack.fragments[0]!.fragment).toMatchObject({ version: 'v1', rules: [{
      id: 'hello-pack-allow', decision: 'allow',
      match: { topics: ['job.hello-pack.*'], pack_ids: ['hello-pack'] },
      source: { packId: 'hello-pack', file: 'overlays/policy.fragment.yaml', index: 0 },
    }] });
  });

  it('demo-guardrails: steps keyed by id, remediations kept', () => {
    const pack = loadPack(readPackDir(realPack('demo-guardrails')));
    const steps = pack.workflows[0]!.steps;
    expect(Object.values(steps).map((s) => [s.id, s.depends_on ?? []])).toEqual([
      ['write', []], ['confirm', ['write']],
    ]);
    const rules = pack.fragments[0]!.fragment.rules;
    expect(rules.map((r) => [r.id, r.decision])).toEqual([
      ['demo-guardrails-approval', 'require_approval'],
      ['demo-guardrails-deny', 'deny'],
      ['demo-guardrails-allow-safe', 'allow'],
    ]);
    expect(rules[1]!.remediations?.[0]).toMatchObject({ id: 'use-safe',
      replacement_topic: 'job.demo-guardrails.safe', add_labels: { remediation: 'safe' } });
  });
});

describe('validatePack of a broken copy', () => {
  it('loadPack throws validation_failed carrying the same issues', () => {
    const dir = copyPack('hello-pack');
    edit(dir, ECHO, '    id: echo\n', '    id: echo2\n');
    const files = readPackDir(dir);
    expect(thrown(() => loadPack(files))).toMatchObject({
      name: 'PackError',
      code: 'validation_failed',
      message: expect.stringContaining('workflows/echo.yaml: /steps/echo/id'),
      issues: validatePack(files).issues,
    });
  });

  it('reports several problems in several files at once', () => {
    const dir = copyPack('demo-guardrails');
    edit(dir, PACK, 'minCoreVersion: 0.6.0', 'minCoreVersion: six');
    edit(dir, PACK, '- name: job.demo-guardrails.safe', '- name: job.elsewhere.safe');
    edit(dir, APPROVAL, 'depends_on:\n      - write', 'depends_on:\n      - nothing');
    edit(dir, FRAGMENT, '- job.demo-guardrails.dangerous', '- "job.[bad"');
    writeIn(dir, 'overlays/pools.patch.yaml', 'pools:\n  other: {}\n');
    const { issues } = validatePack(readPackDir(dir));
    const where = issues.map((i) => `${i.file} ${i.path} ${i.rule}`);
    expect(where).toEqual(expect.arrayContaining([
      'pack.yaml /compatibility/minCoreVersion semver',
      'pack.yaml /topics/2/name naming_topic',
      'workflows/approval.yaml /steps/confirm/depends_on/0 step_ref',
      'overlays/policy.fragment.yaml /rules/1/match/topics/0 glob',
      'overlays/pools.patch.yaml /pools/other naming_pool',
    ]));
    expect(issues).toHaveLength(5);
  });

  it('takes an image that is a file in the pack, and links written in capitals', () => {
    const dir = copyPack('hello-pack');
    mkdirSync(join(dir, 'assets'));
    writeIn(dir, 'assets/icon.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    edit(dir, PACK, 'title: Hello Pack', 'title: Hello Pack\n  image: ./assets/icon.png\n' +
      '  homepage: HTTPS://example.com/x');
    edit(dir, PACK, 'description: Minimal pack that echoes workflow input.',
      'description: "Two lines,\\n\\tand a tab: é 😀"');
    const result = validatePack(readPackDir(dir));
    expect(result.issues).toEqual([]);
  });
});
