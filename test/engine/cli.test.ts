/**
 * `cordum engine ...` end to end: the real CLI bundle (npm run build) in
 * child processes, over a project with real packs installed and signed,
 * each command a new process sharing only the database.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../packs/lock.js';
import { backends } from '../helpers/databases.js';
import { EXAMPLE_PACKS, installedProject, REAL_PACKS } from './project.js';

const CLI = resolve('bin', 'cordum.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function cordum(args: string[], cwd: string, env: Record<string, string>): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The parts of the JSON output these tests read. */
interface Body {
  run_id: string;
  status: string;
  run: { id: string; status: string; snapshot_hash: string; workflow?: unknown };
  steps: { status: string; output?: { echo?: string }; decision?: { snapshot_hash: string } }[];
  approvals: { status: string; note?: string; decided_by?: string }[];
  timeline: { type: string; step_id?: string }[];
  runs: { id: string }[];
}

const DEPLOYMENT = `apiVersion: cordum.io/v1alpha1
kind: Deployment
metadata: { name: local }
spec:
  handlers:
    - topics: ["job.*.*"]
      builtin: echo
`;

describe.each(backends())(
  'cordum engine on $name',
  (backend) => {
    let project: string;
    let run: (...args: string[]) => Promise<Ran>;
    // The database a run is looked for in, as run_not_found names it.
    let where = '';
    // The flags a printed next command repeats, so that it finds the run.
    let again = '';
    let json: (...args: string[]) => Promise<{ code: number; body: Body }>;

    beforeAll(async () => {
      if (!existsSync(resolve('dist', 'cordum.js'))) throw new Error('run `npm run build` first');
      project = await installedProject([
        join(REAL_PACKS, 'hello-pack'),
        join(REAL_PACKS, 'demo-guardrails'),
        join(EXAMPLE_PACKS, 'ops-guard'),
      ]);
      writeFileSync(join(project, 'cordum.deployment.yaml'), DEPLOYMENT);
      const target = await backend.fresh();
      // PGlite: --data holds <data>/db, as the template copy does; PostgreSQL: DATABASE_URL.
      const env: Record<string, string> = target.url ? { DATABASE_URL: target.url } : {};
      const data = target.url ? [] : ['--data', target.dataDir];
      where = target.url ? 'the DATABASE_URL database'
        : `the engine database ${join(resolve(target.dataDir), 'db')}`;
      again = data.map((d) => ` ${d}`).join('');
      run = (...args) => cordum([...args, ...data], project, env);
      json = async (...args) => {
        const ran = await run(...args, '--json');
        return { code: ran.code, body: JSON.parse(ran.stdout) as Body };
      };
    });

    it('runs a real pack workflow and prints each step with its decision and rule', async () => {
      const ran = await run('engine', 'run', 'hello-pack.echo', '--input', '{"message":"hi"}');
      expect(ran.stderr).not.toMatch(/error/);
      expect(ran.code).toBe(0);
      const [head, step] = ran.stdout.split('\n');
      expect(head).toMatch(/^run [0-9a-f-]{36} hello-pack\.echo: succeeded$/);
      expect(step).toMatch(/^ {2}echo\s+succeeded\s+allow rule hello-pack-allow$/);
    });

    it('prints the run as JSON, with the step output and the snapshot hash', async () => {
      const { code, body } = await json(
        'engine',
        'run',
        'hello-pack.echo',
        '--input',
        '{"message":"json"}',
      );
      expect(code).toBe(0);
      expect(body.run.status).toBe('succeeded');
      expect(body.status).toBe('succeeded');
      expect(body.run_id).toBe(body.run.id);
      expect(body.run.workflow).toBeUndefined();
      expect(body.steps[0]?.output?.echo).toBe('json');
      expect(body.steps[0]?.decision?.snapshot_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(body.steps[0]?.decision?.snapshot_hash).toBe(body.run.snapshot_hash);
    });

    it('waits for approval, then approve in a new process finishes the run', async () => {
      const started = await json(
        'engine',
        'run',
        'demo-guardrails.approval',
        '--input',
        '{"message":"m","actor":"a"}',
      );
      expect(started.code).toBe(0);
      expect(started.body.run.status).toBe('waiting');
      const id = started.body.run.id;

      const human = await run('engine', 'runs', 'show', id);
      expect(human.stdout).toContain(`cordum engine approve ${id} write${again}   or`);

      const approved = await json('engine', 'approve', id, 'write', '--note', 'ok', '--by', 'ana');
      expect(approved.code).toBe(0);
      expect(approved.body.run.status).toBe('succeeded');
      expect(approved.body.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
      expect(approved.body.approvals[0]).toMatchObject({
        status: 'approved',
        note: 'ok',
        decided_by: 'ana',
      });

      const shown = await json('engine', 'runs', 'show', id);
      const dispatched = shown.body.timeline.filter((e) => e.type === 'job_dispatched');
      expect(dispatched.map((e) => e.step_id)).toEqual(['write', 'confirm']);

      const listed = await json('engine', 'runs', 'list');
      expect(listed.body.runs.map((r) => r.id)).toContain(id);
    });

    it('reject fails the run and exits 1', async () => {
      const started = await json(
        'engine',
        'run',
        'ops-guard.release',
        '--input',
        '{"service":"api","version":"2.0"}',
      );
      expect(started.body.run.status).toBe('waiting');
      const rejected = await run(
        'engine',
        'reject',
        started.body.run.id,
        'deploy',
        '--reason',
        'freeze',
      );
      expect(rejected.code).toBe(1);
      expect(rejected.stdout).toMatch(/ops-guard\.release: failed/);
      expect(rejected.stdout).toContain(
        'deploy: error[approval_rejected]: approval rejected: freeze',
      );
      expect(rejected.stdout).toMatch(/announce\s+cancelled/);
    });

    it('exits 1 on a policy denial and names the rule', async () => {
      const ran = await run('engine', 'run', 'ops-guard.cleanup', '--input', '{"service":"api"}');
      expect(ran.code).toBe(1);
      expect(ran.stdout).toMatch(
        /archive\s+succeeded\s+allow_with_constraints rule ops-guard-archive-bounded/,
      );
      expect(ran.stdout).toContain(
        'delete: error[policy_denied]: rule ops-guard-deny-delete denied',
      );
    });

    it('reports errors as error[code] lines', async () => {
      const missing = await run('engine', 'run', 'nope.flow');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^error\[workflow_not_found\]: no installed pack provides workflow/,
      );
      const badInput = await run('engine', 'run', 'hello-pack.echo', '--input', '[1]');
      expect(badInput.stderr).toMatch(
        /^error\[usage\]: --input: the run input must be a JSON object, not a list/);
      const listFile = join(project, 'list-input.json');
      writeFileSync(listFile, '[1, 2]');
      const badFile = await run('engine', 'run', 'hello-pack.echo', '--input-file', listFile);
      expect(badFile.code).toBe(2);
      expect(badFile.stderr).toContain(
        `error[usage]: ${listFile}: the run input must be an object (a mapping), not a list`);
      const noFile = await run('engine', 'run', 'hello-pack.echo', '--input-file',
        join(project, 'no-such-input.json'));
      expect(noFile.code).toBe(1);
      expect(noFile.stderr).toMatch(/^error\[file_missing\]: .*no-such-input\.json/);
      const noRun = await run('engine', 'runs', 'show', 'no-such-run');
      expect(noRun.stderr).toContain(`error[run_not_found]: no run no-such-run in ${where}\n`);
    });

    it('refuses a run input nested past the document depth limit, recording no run', async () => {
      const before = (await json('engine', 'runs', 'list')).body.runs.length;
      const deep = `{"v":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`;
      const file = join(project, 'deep-input.json');
      writeFileSync(file, deep);
      for (const given of [['--input', deep], ['--input-file', file]]) {
        const ran = await run('engine', 'run', 'hello-pack.echo', ...given);
        expect(ran.code).toBe(1);
        expect(ran.stderr).toMatch(/^error\[document_too_deep\]: .*nested deeper than 64 levels/);
      }
      expect((await json('engine', 'runs', 'list')).body.runs.length).toBe(before);
    });

    it('refuses to run packs whose tarball no longer matches the lock', async () => {
      const lock = JSON.parse(readFileSync(join(project, 'cordum.lock'), 'utf8'));
      const tgz = layout.tarball(project, 'hello-pack', lock.packs['hello-pack'].version);
      const original = readFileSync(tgz);
      try {
        writeFileSync(tgz, Buffer.concat([original, Buffer.from('tampered')]));
        const ran = await run('engine', 'run', 'hello-pack.echo', '--input', '{"message":"x"}');
        expect(ran.code).toBe(1);
        expect(ran.stderr).toMatch(/^error\[digest_mismatch\]: hello-pack@0\.1\.0/);
      } finally {
        writeFileSync(tgz, original);
      }
    });

    it('refuses another pack\'s signed tarball put under a pack\'s name in the lock', async () => {
      const lockPath = join(project, 'cordum.lock');
      const lockText = readFileSync(lockPath, 'utf8');
      const lock = JSON.parse(lockText);
      const [hello, other] = [lock.packs['hello-pack'], lock.packs['demo-guardrails']];
      const files = [layout.tarball(project, 'hello-pack', hello.version),
        layout.bundle(project, 'hello-pack', hello.version)];
      const originals = files.map((f) => readFileSync(f));
      try {
        writeFileSync(files[0]!, readFileSync(layout.tarball(project, 'demo-guardrails',
          other.version)));
        writeFileSync(files[1]!, readFileSync(layout.bundle(project, 'demo-guardrails',
          other.version)));
        hello.sha256 = other.sha256;
        writeFileSync(lockPath, JSON.stringify(lock));
        const ran = await run('engine', 'run', 'hello-pack.echo', '--input', '{"message":"x"}');
        expect(ran.code).toBe(1);
        expect(ran.stderr).toMatch(new RegExp(`^error\\[lock_mismatch\\]: hello-pack@${
          hello.version.replaceAll('.', '\\.')}: .* holds demo-guardrails@`, 'm'));
      } finally {
        files.forEach((f, i) => writeFileSync(f, originals[i]!));
        writeFileSync(lockPath, lockText);
      }
    });
    // Every command is a new process opening the database; on a busy machine that takes seconds.
  },
  180_000,
);
