/**
 * `cordum engine serve --decision-retention-days` through the real CLI: a
 * bad value is a usage error that touches nothing; a good one prunes the
 * recorded decisions at start, logs it and counts it in /metrics; 0 keeps
 * every decision.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyHistory } from '../../engine/kernel/history.js';
import { openDatabase, type Database } from '../../storage/database.js';
import { backends, pgliteBackend } from '../helpers/databases.js';
import { EXAMPLE_PACKS, installedProject } from './project.js';

const CLI = resolve('bin', 'cordum.js');
const DAY = 86_400_000;

interface Exited {
  code: number | null;
  stderr: string;
}

/**
 * Runs serve until it exits on its own or, once it listens, until `whileUp`
 * (given its URL and its stderr so far) is done; then stops it with SIGTERM.
 */
function serve(args: string[], env: Record<string, string>,
  whileUp: (url: string, stderr: () => string) => Promise<void> = async () => undefined):
  Promise<Exited> {
  const child = spawn(process.execPath, [CLI, 'engine', 'serve', '--port', '0', ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let up: Promise<void> | undefined;
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
    const url = /engine listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (url && !up) {
      up = whileUp(url, () => stderr).finally(() => child.kill('SIGTERM'));
      // Its failure is answered once the process has closed, below.
      up.catch(() => undefined);
    }
  });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`serve did not stop: ${stderr}`));
    }, 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      void (up ?? Promise.resolve()).then(() => done({ code, stderr }), fail);
    });
  });
}

function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr.split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function until(what: string, probe: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the database, runs `fn` and closes it: PGlite's folder is one process's at a time. */
async function inDatabase<T>(where: { url: string } | { dataDir: string },
  fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(where);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function decisionCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM engine_policy_decisions');
  return Number(rows[0]!.n);
}

describe('cordum engine serve --decision-retention-days', () => {
  it('refuses a value that is not a whole number of days (exit 2), touching nothing',
    async () => {
      const data = join((await pgliteBackend.fresh()).dataDir, 'never-made');
      for (const value of ['-1', 'abc', '1.5', '36501']) {
        const { code, stderr } = await serve(['--data', data, '--decision-retention-days',
          value], {});
        expect(code, value).toBe(2);
        expect(stderr).toContain('error[usage]: --decision-retention-days must be a whole ' +
          `number of days from 0 (keep forever) to 36500, not "${value}"`);
      }
      expect(existsSync(data)).toBe(false);
    });
});

describe.each(backends())('cordum engine serve pruning recorded decisions on $name',
  (backend) => {
    let project: string;
    beforeAll(async () => {
      project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
    });

    it('keeps every decision with 0, and prunes past 30 days by default', async () => {
      const fresh = await backend.fresh();
      const env: Record<string, string> = fresh.url ? { DATABASE_URL: fresh.url } : {};
      const where = fresh.url ? { url: fresh.url } : { dataDir: fresh.pgliteDir! };
      const args = ['--project', project, '--data', fresh.dataDir];
      // Decisions recorded 90, 45 and 31 days ago, and one a day ago.
      await inDatabase(where, async (db) => {
        await PolicyHistory.open(db);
        for (const days of [90, 45, 31, 1]) {
          await db.query(`INSERT INTO engine_policy_decisions (request, decision, snapshot_hash,
            snapshot_version, decided_at) VALUES ('{}', 'allow', 'h', 1, $1)`,
          [new Date(Date.now() - days * DAY)]);
        }
      });

      const kept = await serve([...args, '--decision-retention-days', '0'], env, async (url) => {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).not.toContain('cordum_engine_decisions_pruned_total');
      });
      expect(kept.code).toBe(0);
      expect(jsonLines(kept.stderr).map((l) => l.msg)).not.toContain('recorded decisions pruned');
      expect(await inDatabase(where, decisionCount)).toBe(4);

      const byDefault = await serve(args, env, async (url, stderr) => {
        await until('the prune line', () => jsonLines(stderr())
          .some((l) => l.msg === 'recorded decisions pruned'));
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).toMatch(/^cordum_engine_decisions_pruned_total 3$/m);
      });
      expect(byDefault.code).toBe(0);
      expect(jsonLines(byDefault.stderr)).toContainEqual(expect.objectContaining({
        level: 'info', msg: 'recorded decisions pruned', removed: 3, retention_days: 30 }));
      expect(await inDatabase(where, decisionCount)).toBe(1);
    });
  });
