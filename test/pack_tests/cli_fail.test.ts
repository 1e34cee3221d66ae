/**
 * A failing workflow test through the real CLI: exit 1, the diff of
 * expected and actual, `--json`, and a JUnit file that parses and says so.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cordum, cordumJson, ensureBuilt } from '../packs/helpers/cli.js';
import { ECHO_OUTPUT, echoTest, helloPackWithTests } from './helpers/packs.js';
import { parseXml } from './helpers/xml.js';

beforeAll(() => {
  ensureBuilt();
}, 180_000);

const TESTS = [
  echoTest('echo_succeeds', `
  workers: { echo: { output: ${ECHO_OUTPUT} } }
  approvals: { echo: approve }
  expect: { status: succeeded }`),
  echoTest('"echo_says_hey <&>"', `
  workers: { echo: { output: ${ECHO_OUTPUT} } }
  approvals: { echo: approve }
  expect:
    status: failed
    steps: { echo: { output: { echo: hey } } }`),
  `    - name: unknown_workflow\n      workflow: hello-pack.nope\n      expect: {}\n`,
].join('');

describe('cordum pack test with a failing workflow test', () => {
  it('exits 1, shows the diff and writes a JUnit report', () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'cordum-junit-')), 'report.xml');
    const run = cordum(['pack', 'test', helloPackWithTests(TESTS), '--junit', junit]);
    expect(run.status).toBe(1);
    const out = run.stdout.replace(/ \(\d+ ms\)/g, '');
    expect(out).toBe([
      'pass echo_succeeds: workflow hello-pack.echo succeeded',
      'FAIL echo_says_hey <&>: workflow hello-pack.echo succeeded',
      '    status:',
      '      - expected "failed"',
      '      + actual   "succeeded"',
      '    steps.echo.output.echo:',
      '      - expected "hey"',
      '      + actual   "hi"',
      'FAIL unknown_workflow: workflow hello-pack.nope did not run',
      '    error[workflow_not_found]: no installed pack provides workflow "hello-pack.nope"' +
        ' (installed: hello-pack.echo)',
      '1 passed, 2 failed',
      '',
    ].join('\n'));

    const root = parseXml(readFileSync(junit, 'utf8'));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ name: 'hello-pack', tests: '3', failures: '2' });
    const suites = root.children;
    expect(suites.map((s) => [s.name, s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ['testsuite', 'hello-pack policy simulations', '0', '0'],
      ['testsuite', 'hello-pack workflows', '3', '2'],
    ]);
    const cases = suites[1]!.children;
    expect(cases.map((c) => c.attrs.name)).toEqual(
      ['echo_succeeds', 'echo_says_hey <&>', 'unknown_workflow']);
    expect(cases.map((c) => c.children.map((f) => f.name))).toEqual(
      [[], ['failure'], ['failure']]);
    expect(cases[1]!.children[0]!.text).toContain('+ actual   "hi"');
    expect(cases[2]!.children[0]!.attrs.message)
      .toMatch(/^FAIL unknown_workflow: workflow hello-pack\.nope did not run \(\d+ ms\)$/);
    expect(Number(cases[0]!.attrs.time)).toBeGreaterThan(0);
  }, 60_000);

  it('answers the mismatches as JSON', () => {
    const run = cordumJson<{ passed: number; failed: number; workflows: {
      name: string; passed: boolean; status?: string; mismatches: unknown[];
      error?: { code: string } }[] }>(['pack', 'test', helloPackWithTests(TESTS)]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ passed: 1, failed: 2 });
    expect(run.json.workflows.map((w) => [w.name, w.passed, w.status, w.error?.code]))
      .toEqual([['echo_succeeds', true, 'succeeded', undefined],
        ['echo_says_hey <&>', false, 'succeeded', undefined],
        ['unknown_workflow', false, undefined, 'workflow_not_found']]);
    expect(run.json.workflows[1]!.mismatches).toEqual([
      { path: 'status', expected: 'failed', actual: 'succeeded' },
      { path: 'steps.echo.output.echo', expected: 'hey', actual: 'hi' },
    ]);
  }, 60_000);
});
