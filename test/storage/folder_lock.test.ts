/**
 * A PGlite folder serves one process: a second process is refused with
 * database_in_use (it would work on its own copy and lose its writes), a
 * lock left by a dead process is taken over, and handles of one process
 * share one database.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockFolder } from '../../storage/folder_lock.js';
import { openDatabase } from '../../storage/database.js';

const CLI = resolve('bin', 'cordum.js');

function listRuns(dataDir: string) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [CLI, 'engine', 'runs', 'list', '--data', dataDir],
    { env, encoding: 'utf8' });
}

describe('one process on a PGlite folder', () => {
  it('refuses a second process while the first holds the folder, and lets it in after',
    async () => {
      const data = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
      const db = await openDatabase({ dataDir: join(data, 'db') });
      expect(readFileSync(join(data, 'db.lock'), 'utf8').trim()).toBe(String(process.pid));
      const refused = listRuns(data);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`error[database_in_use]: the database folder ` +
        `${join(data, 'db')} is in use by process ${process.pid}`);
      await db.close();
      expect(existsSync(join(data, 'db.lock'))).toBe(false);
      const after = listRuns(data);
      expect(after.stderr).not.toContain('database_in_use');
      expect(after.status).toBe(0);
    }, 60_000);

  it('takes over a lock whose process is gone', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'],
      { encoding: 'utf8' });
    writeFileSync(join(data, 'db.lock'), `${gone.stdout}\n`);
    const db = await openDatabase({ dataDir: join(data, 'db') });
    expect(readFileSync(join(data, 'db.lock'), 'utf8').trim()).toBe(String(process.pid));
    await db.close();
  }, 60_000);

  // A process killed with kill -9 stays in the process table until its parent reaps it, and
  // signal 0 still reaches it there: in a container whose init does not reap at once, a
  // restarted engine was refused with database_in_use by the engine it replaced.
  it.runIf(process.platform === 'linux')('takes over a lock whose process is a zombie',
    async () => {
      const data = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
      // `sleep 0` exits at once; its parent, exec'd into `sleep 30`, never reaps it.
      const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'],
        { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const pid = Number((await new Promise<string>((done) =>
          parent.stdout.once('data', (chunk: Buffer) => done(chunk.toString())))).trim());
        await until(() => stateOf(pid) === 'Z');
        writeFileSync(join(data, 'db.lock'), `${pid}\n`);

        const release = lockFolder(join(data, 'db'));
        expect(readFileSync(join(data, 'db.lock'), 'utf8').trim()).toBe(String(process.pid));
        release();
      } finally {
        parent.kill('SIGKILL');
      }
    }, 60_000);

  it('gives handles of one process one database, open until the last closes', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
    const first = await openDatabase({ dataDir: join(data, 'db') });
    const second = await openDatabase({ dataDir: join(data, 'db') });
    await first.exec('CREATE TABLE shared (n int)');
    await second.query('INSERT INTO shared VALUES ($1)', [7]);
    expect((await first.query('SELECT n FROM shared')).rows).toEqual([{ n: 7 }]);
    await first.close();
    expect(existsSync(join(data, 'db.lock'))).toBe(true);
    expect((await second.query('SELECT n FROM shared')).rows).toEqual([{ n: 7 }]);
    await second.close();
    expect(existsSync(join(data, 'db.lock'))).toBe(false);
  }, 60_000);
});

/** The state letter of a process in /proc (`Z` for a zombie). */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}
