/**
 * validatePack of a copy of a real pack with a single thing broken: it
 * reports exactly where (file, path) and which rule, one case a row; and
 * a broken schema file or a subworkflow cycle reported once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackDir } from '../../packs/bundle/source.js';
import type { Issue } from '../../packs/errors.js';
import { parseYaml } from '../../packs/documents.js';
import { validatePack } from '../../packs/load.js';
import {
  APPROVAL, copyPack, ECHO, edit, FRAGMENT, PACK, removeIn, writeIn, type RealPackName,
} from './helpers/packs.js';

interface BreakCase {
  name: string;
  pack: RealPackName;
  /** Breaks the copy; one thing per case. */
  breakIt: (dir: string) => void;
  expected: Pick<Issue, 'file' | 'path' | 'rule'> & { message?: string };
}

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
  // hello-pack-<version>.tgz.sigstore.json past 240 bytes: no build or install could name it.
  { name: 'a version that makes the file names too long', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'version: 0.1.0', `version: 0.1.0-${'r'.repeat(206)}`),
    expected: { file: PACK, path: '/metadata/version', rule: 'file_name',
      message: 'the id and version name files 241 bytes long (<id>-<version>.tgz.sigstore.json)' +
        '; expected at most 240, so they fit a file name (255 bytes) with room for a temporary ' +
        'suffix: shorten the version' } },
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
  // Numbers JSON cannot hold: the registry stored protocolVersion 1e400 as null.
  // Another reader would take these from the disk outside the pack.
  { name: 'a workflow path that is absolute', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'path: workflows/echo.yaml', 'path: /workflows/echo.yaml'),
    expected: { file: PACK, path: '/resources/workflows/0/path', rule: 'path',
      message: 'names "/workflows/echo.yaml": expected a path inside the pack, relative to ' +
        'pack.yaml, with no ".." (such as workflows/main.yaml)' } },
  { name: 'a workflow in a file the build leaves out (a name starting with .)',
    pack: 'hello-pack',
    breakIt: (d) => {
      writeIn(d, 'workflows/.echo.yaml', readFileSync(join(d, ECHO)));
      edit(d, PACK, 'path: workflows/echo.yaml', 'path: workflows/.echo.yaml');
    },
    expected: { file: PACK, path: '/resources/workflows/0/path', rule: 'file_missing',
      message: 'names "workflows/.echo.yaml", which is not in the pack: a pack folder\'s build ' +
        'leaves ".echo.yaml" out, as it does every name starting with ".", node_modules, *.tgz ' +
        'and *.sigstore.json; rename it' } },
  { name: 'a schema path with a .. segment', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'path: schemas/HelloInput.json',
      'path: schemas/../schemas/HelloInput.json'),
    expected: { file: PACK, path: '/resources/schemas/0/path', rule: 'path' } },
  { name: 'a protocolVersion of 1e400', pack: 'hello-pack',
    breakIt: (d) => edit(d, PACK, 'protocolVersion: 1', 'protocolVersion: 1e400'),
    expected: { file: PACK, path: '/compatibility/protocolVersion', rule: 'number' } },
  { name: 'a YAML .inf in a workflow', pack: 'hello-pack',
    breakIt: (d) => edit(d, ECHO, 'timeout_sec: 60', 'timeout_sec: .inf'),
    expected: { file: ECHO, path: '/timeout_sec', rule: 'number' } },
  { name: 'a YAML .nan in a policy fragment', pack: 'hello-pack',
    breakIt: (d) => edit(d, FRAGMENT, 'reason: allow hello-pack echo jobs',
      'reason: allow hello-pack echo jobs\n    x-weight: .nan'),
    expected: { file: FRAGMENT, path: '/rules/0/x-weight', rule: 'number' } },
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
});
