/**
 * `cordum pack test` runs workflow tests on the real engine, through the
 * real CLI: stubbed replies, approvals, errors, `pack init`'s own test, and
 * the four real packs (no workflow tests) still pass unchanged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cordum, cordumJson, ensureBuilt } from '../packs/helpers/cli.js';
import { REAL_PACK_NAMES, realPack } from '../packs/helpers/packs.js';
import { ECHO_OUTPUT, echoTest, helloPackWithTests } from './helpers/packs.js';

beforeAll(() => {
  ensureBuilt();
}, 180_000);

const PASSING = [
  echoTest('approved_echo_succeeds', `
  workers: { echo: { output: ${ECHO_OUTPUT} } }
  approvals: { echo: approve }
  expect:
    status: succeeded
    steps: { echo: { status: succeeded, output: { echo: hi } } }`),
  echoTest('rejected_echo_fails', `
  workers: { job.hello-pack.echo: { output: ${ECHO_OUTPUT} } }
  approvals: { echo: reject }
  expect: { status: failed, steps: { echo: { status: failed } } }`),
  echoTest('worker_error_fails_the_run', `
  workers: { job.hello-pack.echo: { error: worker down } }
  approvals: { echo: approve }
  expect: { status: failed, steps: { echo: { status: failed } } }`),
  echoTest('undecided_approval_waits', `
  expect: { status: waiting, steps: { echo: { status: waiting } } }`),
].join('');

describe('cordum pack test with workflow tests', () => {
  it('passes stubbed runs, approvals and worker errors', () => {
    const run = cordum(['pack', 'test', helloPackWithTests(PASSING)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/ \(\d+ ms\)$/, ''))).toEqual([
      'pass approved_echo_succeeds: workflow hello-pack.echo succeeded',
      'pass rejected_echo_fails: workflow hello-pack.echo failed',
      'pass worker_error_fails_the_run: workflow hello-pack.echo failed',
      'pass undecided_approval_waits: workflow hello-pack.echo waiting',
      '4 passed, 0 failed',
    ]);
  }, 60_000);

  it('passes the workflow test `pack init` writes', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-pack-tests-init-'));
    expect(cordum(['pack', 'init', 'Tide', '--yes'], cwd).status).toBe(0);
    const run = cordum(['pack', 'test', join(cwd, 'Tide')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /\npass hello_returns_the_worker_reply: workflow tide\.hello succeeded \(\d+ ms\)\n/);
    expect(run.stdout).toMatch(/\n4 passed, 0 failed\n$/);
  }, 60_000);

  it.each(REAL_PACK_NAMES)('still passes the real pack %s unchanged', (name) => {
    const run = cordumJson<{ failed: number; workflows: unknown[] }>(
      ['pack', 'test', realPack(name)]);
    expect(run.status).toBe(0);
    expect(run.json.failed).toBe(0);
    expect(run.json.workflows).toEqual([]);
  });
});
