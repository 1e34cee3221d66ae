/**
 * validatePack and loadPack: the real packs are clean; a copy of one with a
 * single thing broken reports exactly where (file, path) and which rule.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackDir } from '../../packs/bundle/source.js';
import type { Issue } from '../../packs/errors.js';
import { parseYaml } from '../../packs/documents.js';
import { loadPack, validatePack } from '../../packs/load.js';
import {
  copyPack, edit, REAL_PACK_NAMES, realPack, removeIn, writeIn, type RealPackName,
} from './helpers/packs.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

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

interface BreakCase {
  name: string;
  pack: RealPackName;
  /** Breaks the copy; one thing per case. */
  breakIt: (dir: string) => void;
  expected: Pick<Issue, 'file' | 'path' | 'rule'> & { message?: string };
}

const PACK = 'pack.yaml';
const FRAGMENT = 'overlays/policy.fragment.yaml';
const ECHO = 'workflows/echo.yaml';
const APPROVAL = 'workflows/approval.yaml';

const broken: BreakCase[] = [
  { name: 'missing metadata.id', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, '  id: hello-pack\n', ''),
    expected: { file: PACK, path: '/metadata/id', rule: 'schema_required' } },
  { name: 'an id outside [a-z0-9-]', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'id: hello-pack', 'id: Hello_Pack'),
    expected: { file: PACK, path: '/metadata/id', rule: 'schema_pattern' } },
  { name: 'a wrong apiVersion', pack: 'slack',
    breakIt: (d) => edit(d, PACK, 'cordum.io/v1alpha1', 'cordum.io/v2'),
    expected: { file: PACK, path: '/apiVersion', rule: 'schema_const' } },
  { name: 'a version that is not semver', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'version: 0.1.0', 'version: "0.1"'),
    expected: { file: PACK, path: '/metadata/version', rule: 'semver' } },
  { name: 'a version with a leading v (another spelling of 0.1.0)', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'version: 0.1.0', 'version: v0.1.0'),
    expected: { file: PACK, path: '/metadata/version', rule: 'semver' } },
  { name: 'a version with +build metadata (another spelling of 0.1.0)', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'version: 0.1.0', 'version: 0.1.0+evil'),
    expected: { file: PACK, path: '/metadata/version', rule: 'semver' } },
  { name: 'a NUL written by an escape in the title', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'title: Hello Pack', 'title: "Hello\\0Pack"'),
    expected: { file: PACK, path: '/metadata/title', rule: 'text' } },
  { name: 'an unpaired surrogate written by an escape in a topic key', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'capability: hello.echo',
      'capability: hello.echo\n    "x\\ud800": 1'),
    expected: { file: PACK, path: '/topics/0/x\ud800', rule: 'text' } },
  { name: 'a README that is not UTF-8', pack: 'hello-pack',
    breakIt: (d) => writeIn(d, 'README.md', Buffer.from([0x68, 0x69, 0x0a, 0xff, 0xfe])),
    expected: { file: 'README.md', path: '', rule: 'document_not_utf8',
      message: 'is not UTF-8 text (a byte that is not UTF-8 on line 2)' } },
  { name: 'a javascript: homepage', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'title: Hello Pack',
      'title: Hello Pack\n  homepage: " JavaScript:alert(1)"'),
    expected: { file: PACK, path: '/metadata/homepage', rule: 'link_scheme',
      message: 'a "javascript:" link is not allowed: homepage must be an http(s) URL' } },
  { name: 'a data: image', pack: 'slack',
    breakIt: (d) => edit(d, PACK, 'image: https://cdn.simpleicons.org/slack',
      'image: "data:text/html,<script>x</script>"'),
    expected: { file: PACK, path: '/metadata/image', rule: 'link_scheme', message: 'a "data:" ' +
      'link is not allowed: image must be an http(s) URL or the path of a file in the pack' } },
  { name: 'a protocol-relative source link', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'title: Hello Pack',
      'title: Hello Pack\n  source: "//evil.example/x"'),
    expected: { file: PACK, path: '/metadata/source', rule: 'link_scheme', message:
      'a link without a scheme ("//host/...") is not allowed: source must be an http(s) URL' } },
  { name: 'a backslash protocol-relative homepage', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'title: Hello Pack',
      'title: Hello Pack\n  homepage: "/\\\\evil.example/y"'),
    expected: { file: PACK, path: '/metadata/homepage', rule: 'link_scheme' } },
  { name: 'an image path outside the pack', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'title: Hello Pack', 'title: Hello Pack\n  image: ../../x.png'),
    expected: { file: PACK, path: '/metadata/image', rule: 'file_missing' } },
  { name: 'a terminal control (C1) in an author', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'title: Hello Pack',
      'title: Hello Pack\n  authors: ["Ann", "Mallory \\u009b31m"]'),
    expected: { file: PACK, path: '/metadata/authors/1', rule: 'display_text' } },
  { name: 'a right-to-left override in the description', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'description: Minimal pack that echoes workflow input.',
      'description: "Min\\u202Eimal pack"'),
    expected: { file: PACK, path: '/metadata/description', rule: 'display_text', message:
      'holds U+202E at character 4, a control or text-direction character that would show ' +
      'otherwise than it reads; remove it' } },
  { name: 'a description past 4096 characters', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'description: Minimal pack that echoes workflow input.',
      `description: ${'x'.repeat(4097)}`),
    expected: { file: PACK, path: '/metadata/description', rule: 'schema_maxLength' } },
  { name: 'a minCoreVersion that is not semver', pack: 'demo-guardrails',
    breakIt: (d) => edit(d, PACK, 'minCoreVersion: 0.6.0', 'minCoreVersion: six'),
    expected: { file: PACK, path: '/compatibility/minCoreVersion', rule: 'semver' } },
  // Ignored, `topic` would make the rule match every topic: an allow rule would allow all.
  { name: 'a misspelt match field', pack: 'hello-pack',
    breakIt: (d) => edit(d, FRAGMENT, '      topics:', '      topic:'),
    expected: { file: FRAGMENT, path: '/rules/0/match/topic',
      rule: 'schema_additionalProperties' } },
  { name: 'a minCoreVersion above the maxCoreVersion', pack: 'demo-guardrails',
    breakIt: (d) => edit(d, PACK, 'minCoreVersion: 0.6.0',
      'minCoreVersion: 2.0.0\n  maxCoreVersion: 1.0.0'),
    expected: { file: PACK, path: '/compatibility/maxCoreVersion', rule: 'semver' } },
  { name: 'a topic not named job.<id>.*', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, '- name: job.hello-pack.echo', '- name: job.other.echo'),
    expected: { file: PACK, path: '/topics/0/name', rule: 'naming_topic' } },
  { name: 'a topic that is only the prefix job.<id>.', pack: 'slack',
    breakIt: (d) => edit(d, PACK, '- name: job.slack.write', '- name: job.slack.'),
    expected: { file: PACK, path: '/topics/1/name', rule: 'naming_topic' } },
  { name: 'a workflow id not named <id>.<name>', pack: 'slack',
    breakIt: (d) => edit(d, PACK, '- id: slack.write', '- id: slackwrite'),
    expected: { file: PACK, path: '/resources/workflows/1/id', rule: 'naming_workflow' } },
  { name: 'a workflow whose own id differs from pack.yaml', pack: 'slack',
    breakIt: (d) => edit(d, 'workflows/slack_read.yaml', 'id: slack.read', 'id: slack.reader'),
    expected: { file: 'workflows/slack_read.yaml', path: '/id', rule: 'workflow_id' } },
  { name: 'a workflow id declared twice', pack: 'slack',
    breakIt: (d) => edit(d, PACK, '- id: slack.write', '- id: slack.read'),
    expected: { file: PACK, path: '/resources/workflows/1/id', rule: 'duplicate_id' } },
  { name: 'a schema id not named <id>/<name>', pack: 'github',
    breakIt: (d) => edit(d, PACK, '- id: github/GitHubActionResult', '- id: gh/Result'),
    expected: { file: PACK, path: '/resources/schemas/1/id', rule: 'naming_schema' } },
  { name: 'a pool not named after the pack', pack: 'hello-pack',
    breakIt: (d) => edit(d, 'overlays/pools.patch.yaml', '  hello-pack:\n', '  shared:\n'),
    expected: { file: 'overlays/pools.patch.yaml', path: '/pools/shared', rule: 'naming_pool' } },
  { name: 'a missing workflow file', pack: 'hello-pack',
    breakIt: (d) => removeIn(d, ECHO),
    expected: { file: PACK, path: '/resources/workflows/0/path', rule: 'file_missing' } },
  { name: 'a missing schema file', pack: 'hello-pack',
    breakIt: (d) => removeIn(d, 'schemas/HelloOutput.json'),
    expected: { file: PACK, path: '/resources/schemas/1/path', rule: 'file_missing' } },
  { name: 'a missing policy fragment', pack: 'github',
    breakIt: (d) => removeIn(d, FRAGMENT),
    expected: { file: PACK, path: '/overlays/policy/0/path', rule: 'file_missing' } },
  { name: 'a missing config overlay', pack: 'demo-guardrails',
    breakIt: (d) => removeIn(d, 'overlays/timeouts.patch.yaml'),
    expected: { file: PACK, path: '/overlays/config/1/path', rule: 'file_missing' } },
  { name: 'an unknown decision in a rule', pack: 'demo-guardrails',
    breakIt: (d) => edit(d, FRAGMENT, 'decision: deny', 'decision: maybe'),
    expected: { file: FRAGMENT, path: '/rules/1/decision', rule: 'schema_enum' } },
  { name: 'an unknown expectDecision', pack: 'slack',
    breakIt: (d) => edit(d, PACK, 'expectDecision: REQUIRE_APPROVAL', 'expectDecision: PERHAPS'),
    expected: { file: PACK, path: '/tests/policySimulations/1/expectDecision',
      rule: 'decision' } },
  { name: 'a bad topic glob job.[', pack: 'hello-pack',
    breakIt: (d) => edit(d, FRAGMENT, '"job.hello-pack.*"', '"job.["'),
    expected: { file: FRAGMENT, path: '/rules/0/match/topics/0', rule: 'glob' } },
  { name: 'a glob class Go rejects, [-a]', pack: 'github',
    breakIt: (d) => edit(d, FRAGMENT, '- job.github.read', '- "job.github.[-a]"'),
    expected: { file: FRAGMENT, path: '/rules/0/match/topics/0', rule: 'glob' } },
  { name: 'an unknown depends_on', pack: 'demo-guardrails',
    breakIt: (d) => edit(d, APPROVAL, 'depends_on:\n      - write', 'depends_on:\n      - writ'),
    expected: { file: APPROVAL, path: '/steps/confirm/depends_on/0', rule: 'step_ref' } },
  { name: 'a dependency cycle', pack: 'demo-guardrails',
    breakIt: (d) => edit(d, APPROVAL, '    topic: job.demo-guardrails.write\n',
      '    topic: job.demo-guardrails.write\n    depends_on: [confirm]\n'),
    expected: { file: APPROVAL, path: '/steps', rule: 'cycle' } },
  { name: 'a step that depends on itself', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'type: worker\n', 'type: worker\n    depends_on: [echo]\n'),
    expected: { file: ECHO, path: '/steps', rule: 'cycle' } },
  { name: 'an unknown on_error step', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'type: worker\n', 'type: worker\n    on_error: nowhere\n'),
    expected: { file: ECHO, path: '/steps/echo/on_error', rule: 'step_ref' } },
  { name: 'a step id that differs from its key', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, '    id: echo\n', '    id: echo2\n'),
    expected: { file: ECHO, path: '/steps/echo/id', rule: 'step_id' } },
  { name: 'a worker step without a topic', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, '    topic: job.hello-pack.echo\n', ''),
    expected: { file: ECHO, path: '/steps/echo/topic', rule: 'step_topic' } },
  { name: 'an unknown step type', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'type: worker', 'type: robot'),
    expected: { file: ECHO, path: '/steps/echo/type', rule: 'schema_enum' } },
  { name: 'a workflow with no steps', pack: 'slack',
    breakIt: (d) => writeIn(d, 'workflows/slack_write.yaml', 'id: slack.write\nsteps: {}\n'),
    expected: { file: 'workflows/slack_write.yaml', path: '/steps',
      rule: 'schema_minProperties' } },
  { name: 'an unknown input_schema_id', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'input_schema_id: hello-pack/HelloInput',
      'input_schema_id: hello-pack/Nope'),
    expected: { file: ECHO, path: '/steps/echo/input_schema_id', rule: 'schema_ref' } },
  { name: 'an unknown output_schema_id', pack: 'slack',
    breakIt: (d) => edit(d, 'workflows/slack_read.yaml',
      'output_schema_id: slack/SlackActionResult', 'output_schema_id: github/GitHubActionResult'),
    expected: { file: 'workflows/slack_read.yaml', path: '/steps/read/output_schema_id',
      rule: 'schema_ref' } },
  { name: 'an unclosed ${...} expression', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'message: ${input.message}', 'message: "${input.message"'),
    expected: { file: ECHO, path: '/steps/echo/input/message', rule: 'expression' } },
  // What the engine would refuse at run time is refused at validate (and so at publish).
  { name: 'an on_error naming its own step', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'type: worker\n', 'type: worker\n    on_error: echo\n'),
    expected: { file: ECHO, path: '/steps/echo/on_error', rule: 'on_error' } },
  { name: 'an expression that does not parse', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'message: ${input.message}', 'message: "${length(}"'),
    expected: { file: ECHO, path: '/steps/echo/input/message', rule: 'expression_invalid' } },
  // Past the expression nesting limit: refused as a bad expression, not a stack overflow.
  { name: 'a condition of 10,000 nested "!"', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'type: worker\n',
      `type: worker\n    condition: "${'!'.repeat(10_000)}input.message"\n`),
    expected: { file: ECHO, path: '/steps/echo/condition', rule: 'expression_invalid' } },
  { name: 'a template of 2,000 nested parentheses', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'message: ${input.message}',
      `message: "\${${'('.repeat(2_000)}input.message${')'.repeat(2_000)}}"`),
    expected: { file: ECHO, path: '/steps/echo/input/message', rule: 'expression_invalid' } },
  // Text PostgreSQL cannot store, in any document of the pack, as in pack.yaml.
  { name: 'a NUL written by an escape in a step id', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, '  echo:\n', '  "a\\0b":\n'),
    expected: { file: ECHO, path: '/steps/a\u0000b', rule: 'text' } },
  { name: 'an unpaired surrogate written by an escape in a workflow value', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'name: Hello Echo', 'name: "Hello \\uD800"'),
    expected: { file: ECHO, path: '/name', rule: 'text' } },
  { name: 'a NUL written by an escape in a JSON workflow', pack: 'hello-pack',
    breakIt: (d) => {
      edit(d, PACK, 'path: workflows/echo.yaml', 'path: workflows/echo.json');
      const wf = parseYaml(readFileSync(join(d, ECHO), 'utf8'), ECHO) as Record<string, unknown>;
      writeIn(d, 'workflows/echo.json', JSON.stringify({ ...wf, description: 'a\u0000b' }));
    },
    expected: { file: 'workflows/echo.json', path: '/description', rule: 'text' } },
  { name: 'a NUL written by an escape in a policy fragment', pack: 'hello-pack',
    breakIt: (d) => edit(d, FRAGMENT, 'reason: allow hello-pack echo jobs',
      'reason: "allow\\0"'),
    expected: { file: FRAGMENT, path: '/rules/0/reason', rule: 'text' } },
  { name: 'an unpaired surrogate written by an escape in a schema', pack: 'hello-pack',
    breakIt: (d) => edit(d, 'schemas/HelloInput.json', '"title": "HelloInput"',
      '"title": "Hello\\udc00"'),
    expected: { file: 'schemas/HelloInput.json', path: '/title', rule: 'text' } },
  { name: 'a NUL written by an escape in a config overlay', pack: 'hello-pack',
    breakIt: (d) => edit(d, 'overlays/timeouts.patch.yaml', 'topics:\n',
      '"x\\0": 1\ntopics:\n'),
    expected: { file: 'overlays/timeouts.patch.yaml', path: '/x\u0000', rule: 'text' } },
  { name: 'a schema file that is not JSON', pack: 'hello-pack',
    breakIt: (d) => writeIn(d, 'schemas/HelloInput.json', '{ "type": "object", '),
    expected: { file: 'schemas/HelloInput.json', path: '', rule: 'json_syntax' } },
  { name: 'a schema file that is JSON but not a JSON Schema', pack: 'github',
    breakIt: (d) => writeIn(d, 'schemas/GitHubActionInput.json', '{ "type": 42 }'),
    expected: { file: 'schemas/GitHubActionInput.json', path: '', rule: 'schema' } },
  { name: 'a schema file holding an array', pack: 'github',
    breakIt: (d) => writeIn(d, 'schemas/GitHubActionInput.json', '[]'),
    expected: { file: 'schemas/GitHubActionInput.json', path: '', rule: 'schema' } },
  { name: 'a YAML syntax error in a workflow', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'timeout_sec: 60\n', 'timeout_sec: 60\nbad: [unclosed\n'),
    expected: { file: ECHO, path: '', rule: 'yaml_syntax' } },
  { name: 'a YAML syntax error in pack.yaml', pack: 'github',
    breakIt: (d) => edit(d, PACK, 'kind: Pack\n', 'kind: Pack\n  : : {\n'),
    expected: { file: PACK, path: '', rule: 'yaml_syntax' } },
  { name: 'a duplicate key in a fragment', pack: 'slack',
    breakIt: (d) => edit(d, FRAGMENT, 'version: v1\n', 'version: v1\nversion: v2\n'),
    expected: { file: FRAGMENT, path: '', rule: 'yaml_syntax' } },
  { name: 'a config overlay that is not a mapping', pack: 'hello-pack',
    breakIt: (d) => writeIn(d, 'overlays/timeouts.patch.yaml', '- just\n- a list\n'),
    expected: { file: 'overlays/timeouts.patch.yaml', path: '', rule: 'overlay' } },
];

describe('validatePack of a broken copy', () => {
  it.each(broken)('$name → $expected.file $expected.path ($expected.rule)',
    ({ pack, breakIt, expected }) => {
      const dir = copyPack(pack);
      breakIt(dir);
      const result = validatePack(readPackDir(dir));
      expect(result.ok).toBe(false);
      expect(result.pack).toBeUndefined();
      expect(result.issues).toContainEqual(expect.objectContaining(expected));
      for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(5);
    });

  it('reports a workflow that starts itself through subworkflow steps', () => {
    const dir = copyPack('hello-pack');
    // A second step, after the echo step (the file ends with its meta).
    edit(dir, ECHO, '      requires: []\n', '      requires: []\n  again:\n' +
      '    type: subworkflow\n    workflow: hello-pack.echo\n');
    const result = validatePack(readPackDir(dir));
    expect(result.issues).toContainEqual(expect.objectContaining({ file: ECHO, path: '/steps',
      rule: 'subworkflow_cycle',
      message: 'starts itself through subworkflow steps: hello-pack.echo -> hello-pack.echo' }));
  });

  it('reports a schema file that fails once, not again as unknown where it is named', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, 'schemas/HelloInput.json', '{ "type": "object", ');
    const result = validatePack(readPackDir(dir));
    expect(result.issues.map((i) => [i.file, i.rule])).toEqual([
      ['schemas/HelloInput.json', 'json_syntax']]);
  });

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

  it('warns about a step topic of the pack that pack.yaml does not declare', () => {
    const dir = copyPack('demo-guardrails');
    edit(dir, APPROVAL, 'topic: job.demo-guardrails.safe', 'topic: job.demo-guardrails.other');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ file: APPROVAL,
      path: '/steps/confirm/topic', rule: 'topic_undeclared' })]);
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

  it('warns of a legacy tenants list that reaches other packs\' jobs', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, 'overlays/policy.fragment.yaml', 'tenants:\n  default:\n' +
      '    deny_topics: ["job.*"]\n    allow_topics: ["job.hello-pack.*"]\n');
    const result = validatePack(readPackDir(dir));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({
      path: '/tenants/default/deny_topics/0', rule: 'policy_reaches_other_packs' })]);
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

describe('YAML alias bombs', () => {
  const bomb = [
    'apiVersion: cordum.io/v1alpha1',
    'kind: Pack',
    'metadata: { id: bomb, version: 1.0.0 }',
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
    'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
    'i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
    '',
  ].join('\n');

  it('in pack.yaml make loadPack throw yaml_alias_limit, fast', () => {
    const files = { files: new Map([['pack.yaml', Buffer.from(bomb)]]) };
    const started = Date.now();
    expect(thrown(() => loadPack(files))).toMatchObject({ code: 'yaml_alias_limit',
      issues: [expect.objectContaining({ file: 'pack.yaml', rule: 'yaml_alias_limit' })] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('in a workflow keep their code too', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, ECHO, bomb.replace('metadata: { id: bomb, version: 1.0.0 }', 'id: x'));
    expect(thrown(() => loadPack(readPackDir(dir)))).toMatchObject({ code: 'yaml_alias_limit' });
  });

  it('a few aliases are fine', () => {
    const dir = copyPack('hello-pack');
    edit(dir, PACK, 'riskTags: []', 'riskTags: &none []');
    edit(dir, PACK, 'requires: []', 'requires: *none');
    expect(validatePack(readPackDir(dir)).issues).toEqual([]);
  });
});

describe('YAML as Cordum reads it', () => {
  it('applies merge keys (`<<: *base`) in workflows and policy, as yaml.v3 does', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, ECHO, [
      'id: hello-pack.echo',
      'x-base: &base { type: worker, topic: job.hello-pack.echo }',
      'steps:',
      '  echo:',
      '    <<: *base',
      '    input: { message: hi }',
      '',
    ].join('\n'));
    writeIn(dir, FRAGMENT, [
      'version: v1',
      'base: &m { topics: ["job.hello-pack.echo"] }',
      'rules:',
      '  - id: deny-echo',
      '    decision: deny',
      '    match: { <<: *m, pack_ids: [hello-pack] }',
      '',
    ].join('\n'));
    expect(validatePack(readPackDir(dir)).issues).toEqual([]);
    const pack = loadPack(readPackDir(dir));
    expect(pack.workflows[0]!.steps.echo).toMatchObject({ type: 'worker',
      topic: 'job.hello-pack.echo' });
    expect(pack.fragments[0]!.fragment.rules[0]!.match).toEqual({
      topics: ['job.hello-pack.echo'], pack_ids: ['hello-pack'] });
  });

  it('takes a list named by many rules (plain reuse is no alias bomb)', () => {
    const dir = copyPack('hello-pack');
    const rules = Array.from({ length: 200 }, (_, i) =>
      `  - { id: r${i}, decision: allow, match: { topics: *t } }`);
    writeIn(dir, FRAGMENT, ['version: v1', 'x: &t ["job.hello-pack.echo"]', 'rules:', ...rules, '']
      .join('\n'));
    expect(validatePack(readPackDir(dir)).issues).toEqual([]);
  });

  it('refuses a file that is not UTF-8, naming the file and line', () => {
    const dir = copyPack('hello-pack');
    const text = readFileSync(join(dir, PACK));
    const at = text.indexOf('title:');
    const bad = Buffer.concat([text.subarray(0, at), Buffer.from([0xff, 0xfe]), text.subarray(at)]);
    writeFileSync(join(dir, PACK), bad);
    const line = text.subarray(0, at).toString('utf8').split('\n').length;
    expect(thrown(() => loadPack(readPackDir(dir)))).toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ file: 'pack.yaml', rule: 'document_not_utf8',
        message: expect.stringContaining(`line ${line}`) })],
    });
  });

  it('refuses a workflow whose own input_schema does not compile', () => {
    const dir = copyPack('hello-pack');
    edit(dir, ECHO, 'timeout_sec: 60', 'timeout_sec: 60\ninput_schema: { type: objekt }');
    const issues = validatePack(readPackDir(dir)).issues;
    expect(issues).toEqual([expect.objectContaining({ file: ECHO, path: '/input_schema',
      message: expect.stringContaining('is not a valid JSON Schema') })]);
  });
});

describe('duplicate keys', () => {
  it('names the line of a key written twice in one mapping, however large', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k17: again');
    const text = ['version: v1', 'x:', ...keys, ''].join('\n');
    expect(thrown(() => parseYaml(text, 'big.yaml'))).toMatchObject({ code: 'yaml_syntax',
      message: expect.stringContaining(`big.yaml:${keys.length + 2}: Map keys must be unique`) });
  });

  it('lets merge keys repeat', () => {
    const parsed = parseYaml('a: &a { x: 1 }\nb: &b { y: 2 }\nc: { <<: *a, <<: *b, 1: one }\n',
      'ok.yaml') as { c: Record<string, unknown> };
    expect(parsed.c).toEqual({ x: 1, y: 2, 1: 'one' });
  });

  it('refuses two keys the document would hold as one (1 and "1", null and "")', () => {
    // YAML tells them apart, but the parsed document names both alike: one would be lost.
    for (const [text, line] of [['c: { 1: one, "1": two }\n', 1],
      ['cases:\n  null: [a]\n  "": [b]\n', 3], ['x:\n  ~: 1\n  null: 2\n', 3],
      ['x: { 1.0: a, 1: b }\n', 1], ['x: { true: a, "true": b }\n', 1]] as const) {
      expect(thrown(() => parseYaml(text, 'twice.yaml')), text).toMatchObject({
        code: 'yaml_syntax', message: expect.stringContaining(`twice.yaml:${line}: Map keys ` +
          'must be unique') });
    }
  });
});
