/**
 * The newer `cordum engine` commands through the real CLI: `run --step`
 * (the debugger, driven by piped stdin), `input`, `cancel`, and
 * `runs show` with its timeline. The pack is echo-tools with one more
 * workflow, an input step, added to a copy.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/database.js';
import { backends } from '../helpers/databases.js';
import { EXAMPLE_PACKS, installedProject } from './project.js';

const CLI = resolve('bin', 'cordum.js');

const ASK = `id: echo-tools.ask
steps:
  region:
    type: input
    name: Which region?
  greet:
    type: worker
    topic: job.echo-tools.echo
    depends_on: [region]
    input: { message: "deploying to \${steps.region.output.region}" }
    meta: { pack_id: echo-tools, capability: echo-tools.echo }
`;

// Long enough that only a Ctrl-C ends it within the test; short enough to sleep in the process.
const SLOW = `id: echo-tools.slow
steps:
  nap:
    type: delay
    delay_sec: 50
  greet:
    type: worker
    topic: job.echo-tools.echo
    depends_on: [nap]
    input: { message: "late" }
    meta: { pack_id: echo-tools, capability: echo-tools.echo }
`;

// Waits for input; given its time was spent before (as by an earlier process), its answer
// resumes it with none left, between two steps.
const QUICK = `id: echo-tools.quick
timeout_sec: 1
steps:
  first: { type: input, name: Go? }
  second: { type: transform, depends_on: [first], input: { n: 2 } }
`;

/** A copy of echo-tools with the `ask`, `slow` and `quick` workflows. */
function packWithInput(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cordum-pack-')), 'echo-tools');
  cpSync(join(EXAMPLE_PACKS, 'echo-tools'), dir, { recursive: true });
  writeFileSync(join(dir, 'workflows', 'ask.yaml'), ASK);
  writeFileSync(join(dir, 'workflows', 'slow.yaml'), SLOW);
  writeFileSync(join(dir, 'workflows', 'quick.yaml'), QUICK);
  const manifest = readFileSync(join(dir, 'pack.yaml'), 'utf8').replace(
    '      path: workflows/greet.yaml',
    '      path: workflows/greet.yaml\n    - id: echo-tools.ask\n      path: workflows/ask.yaml' +
      '\n    - id: echo-tools.slow\n      path: workflows/slow.yaml' +
      '\n    - id: echo-tools.quick\n      path: workflows/quick.yaml',
  );
  writeFileSync(join(dir, 'pack.yaml'), manifest);
  return dir;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI; `stdin` is written line by line as the debugger asks for it,
 * each line `answerAfterMs` after the question (a person reading first).
 */
function cordum(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  stdin = '',
  answerAfterMs = 0,
): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    const lines = stdin.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      // Answer each pause with one line, the way a person presses Enter.
      const asked = (stderr.match(/press Enter/g) ?? []).length;
      const answered = lines.length - remaining.length;
      if (asked > answered && remaining.length > 0) {
        const line = remaining.shift();
        if (answerAfterMs === 0) child.stdin.write(`${line}\n`);
        else setTimeout(() => child.stdin.write(`${line}\n`), answerAfterMs);
      }
      if (remaining.length === 0 && asked > answered) child.stdin.end();
    });
    const remaining = [...lines];
    if (lines.length === 0) child.stdin.end();
    child.once('exit', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/** `engine run` sent SIGINT (Ctrl-C) once it has said its run's id. */
function interrupted(args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<Ran & { runId: string }>((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let runId = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const started = /run (\S+) started/.exec(stderr);
      if (started && !runId) {
        runId = started[1]!;
        child.kill('SIGINT');
      }
    });
    child.once('exit', (code) => done({ code: code ?? 1, stdout, stderr, runId }));
  });
}

describe.each(backends())(
  'cordum engine debugger and input on $name',
  (backend) => {
    let run: (args: string[], stdin?: string, answerAfterMs?: number) => Promise<Ran>;
    let interrupt: (args: string[]) => ReturnType<typeof interrupted>;
    /** Marks `ms` of a run's time as spent, as a process that ran it before would have. */
    let spendTime: (runId: string, ms: number) => Promise<void>;

    beforeAll(async () => {
      const project = await installedProject([packWithInput()]);
      writeFileSync(
        join(project, 'cordum.deployment.yaml'),
        'apiVersion: cordum.io/v1alpha1\nkind: Deployment\nspec:\n  handlers:\n' +
          '    - topics: ["job.*.*"]\n      builtin: echo\n',
      );
      const target = await backend.fresh();
      spendTime = async (runId, ms) => {
        const db = await openDatabase(target.url ? { url: target.url }
          : { dataDir: target.pgliteDir! });
        try {
          await db.query('UPDATE engine_runs SET active_ms = $2 WHERE id = $1', [runId, ms]);
        } finally {
          await db.close();
        }
      };
      const env: Record<string, string> = target.url ? { DATABASE_URL: target.url } : {};
      const dataFlag = (args: string[]) =>
        target.url ? [] : [args[1] === 'input' ? '--data-dir' : '--data', target.dataDir];
      run = (args, stdin, after) =>
        cordum([...args, ...dataFlag(args)], project, env, stdin, after);
      interrupt = (args) => interrupted([...args, ...dataFlag(args)], project, env);
    });

    it('cancels the run at Ctrl-C', async () => {
      const once = await interrupt(['engine', 'run', 'echo-tools.slow']);
      expect(once.stderr).toContain(`Interrupted: cancelling run ${once.runId}`);
      expect(once.stdout).toContain(`run ${once.runId} echo-tools.slow: cancelled`);
      expect(once.code).toBe(1);
      const shown = await run(['engine', 'runs', 'show', once.runId, '--json']);
      const view = JSON.parse(shown.stdout) as { run: { status: string },
        steps: { step_id: string; status: string }[] };
      expect(view.run.status).toBe('cancelled');
      expect(view.steps.map((s) => [s.step_id, s.status])).toEqual(
        [['nap', 'cancelled'], ['greet', 'cancelled']]);

    });

    it('pauses before each step with its input and decision, going on at Enter', async () => {
      const ran = await run(
        ['engine', 'run', 'echo-tools.greet', '--step', '--input', '{"name":"ana"}'],
        '\n\n',
      );
      expect(ran.code).toBe(0);
      const pauses = ran.stderr.split('paused before step ').slice(1);
      expect(pauses).toHaveLength(2);
      expect(pauses[0]).toMatch(/^hello \(worker\)\n {2}input: \{.*"message":"hello, ana"/);
      expect(pauses[0]).toMatch(/policy: allow rule \S+/);
      // The second pause shows the first step's output already resolved.
      expect(pauses[1]).toMatch(/input: \{"message":"the worker said: hello, ana"\}/);
      expect(ran.stdout).toMatch(/echo-tools\.greet: succeeded/);
    });

    it('says the run timed out past timeout_sec when no step was in flight', async () => {
      const started = await run(['engine', 'run', 'echo-tools.quick', '--json']);
      const { run_id: id } = JSON.parse(started.stdout) as { run_id: string };
      await spendTime(id, 1500);
      const ran = await run(['engine', 'input', id, 'first', '--data', '{}']);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toMatch(/echo-tools\.quick: timed_out/);
      expect(ran.stdout).toContain(
        "  error[run_timed_out]: the run exceeded its workflow's timeout_sec of 1");
      const shown = await run(['engine', 'runs', 'show', id, '--json']);
      const view = JSON.parse(shown.stdout) as { steps: { step_id: string; status: string }[] };
      expect(view.steps.map((s) => [s.step_id, s.status])).toEqual(
        [['first', 'succeeded'], ['second', 'cancelled']]);
    });

    it('cancels the run when the debugger\'s input ends, running no step unseen', async () => {
      const ran = await run(
        ['engine', 'run', 'echo-tools.greet', '--step', '--input', '{"name":"ana"}', '--json'],
        '',
      );
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toContain('input ended: the run is cancelled before step hello');
      const view = JSON.parse(ran.stdout) as { run: { status: string },
        steps: { step_id: string; status: string }[] };
      expect(view.run.status).toBe('cancelled');
      expect(view.steps.map((s) => [s.step_id, s.status])).toEqual(
        [['hello', 'cancelled'], ['reply', 'cancelled']]);
    });

    it('waits for input, takes it from `engine input`, and shows the timeline', async () => {
      const started = await run(['engine', 'run', 'echo-tools.ask', '--json']);
      const body = JSON.parse(started.stdout) as { run_id: string; status: string };
      expect(body.status).toBe('waiting');
      const given = await run([
        'engine',
        'input',
        body.run_id,
        'region',
        '--data',
        '{"region":"eu-west"}',
        '--json',
      ]);
      const done = JSON.parse(given.stdout) as {
        status: string;
        steps: { output?: { echo?: string } }[];
      };
      expect(done.status).toBe('succeeded');
      expect(done.steps[1]?.output?.echo).toBe('deploying to eu-west');
      const shown = await run(['engine', 'runs', 'show', body.run_id]);
      expect(shown.stdout).toMatch(/timeline:/);
      expect(shown.stdout).toMatch(/input_given\s+region/);
    });

    it('cancels a waiting run', async () => {
      const started = await run(['engine', 'run', 'echo-tools.ask', '--json']);
      const { run_id: id } = JSON.parse(started.stdout) as { run_id: string };
      const cancelled = await run(['engine', 'cancel', id]);
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout).toMatch(new RegExp(`run ${id} echo-tools\\.ask: cancelled`));
      const again = await run(['engine', 'input', id, 'region', '--data', '{}']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/error\[input_not_waiting\]/);
    });
  },
  120_000,
);
