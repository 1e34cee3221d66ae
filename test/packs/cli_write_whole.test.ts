/**
 * An output that cannot be written whole (here past the process's file size
 * limit, `ulimit -f`) leaves nothing: not a truncated tarball under its name,
 * not over the good one there before, not the folders made for it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './helpers/cli.js';
import { copyPack } from './helpers/packs.js';

/** The CLI with writes capped at 4 KiB a file; the shell passes its own words on. */
function cordumCapped(args: string[], cwd: string) {
  const run = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$0" "$@"', process.execPath,
    join(ROOT, 'bin', 'cordum.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr };
}

let pack: string;
let work: string;

beforeAll(() => {
  ensureBuilt();
  // Files under the cap each (the build stages them), a tarball well over it.
  pack = copyPack('hello-pack');
  for (let i = 0; i < 8; i++) {
    writeFileSync(join(pack, `notes-${i}.txt`), randomBytes(1500).toString('base64'));
  }
  work = mkdtempSync(join(tmpdir(), 'cordum-whole-'));
}, 180_000);

describe('cordum pack build --out past a file size limit', () => {
  it('leaves the tarball there before as it was', () => {
    const out = join(work, 'kept.tgz');
    writeFileSync(out, 'the good tarball of before');
    const run = cordumCapped(['pack', 'build', pack, '--out', out], work);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error\\[file_unwritable\\]: the file is larger ` +
      `than this process or file system may write \\(${out}\\): EFBIG`));
    expect(readFileSync(out, 'utf8')).toBe('the good tarball of before');
    expect(readdirSync(work)).toEqual(['kept.tgz']);
  });

  it('leaves no file and no folder made for it', () => {
    const run = cordumCapped(['pack', 'build', pack, '--out', join(work, 'new', 'a', 'p.tgz')],
      work);
    expect(run.status).toBe(1);
    expect(existsSync(join(work, 'new'))).toBe(false);
  });
});

describe('cordum pack build --out with a name no file system holds', () => {
  it('is file_unwritable naming the file, not the temporary one beside it', () => {
    const out = join(work, `${'n'.repeat(260)}.tgz`);
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'cordum.js'), 'pack', 'build',
      pack, '--out', out], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error\\[file_unwritable\\]: a file name is too ` +
      `long for this file system \\(${out}\\): ENAMETOOLONG`));
  });
});

describe('cordum pack build --out that is no plain file', () => {
  it('writes through a link to the file it names, keeping the link', () => {
    const real = join(work, 'real.tgz');
    writeFileSync(real, 'old');
    const link = join(work, 'link.tgz');
    symlinkSync(real, link);
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'cordum.js'), 'pack', 'build',
      pack, '--out', link], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('writes into a FIFO (as into /dev/stdout), never replacing it with a file', async () => {
    const fifo = join(work, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    const chunks: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((done) => reader.on('close', done));
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'cordum.js'), 'pack', 'build',
      pack, '--out', fifo], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    // A FIFO replaced by a file never gets its writer: cat would wait for ever.
    const stop = setTimeout(() => reader.kill(), 5_000);
    await ended;
    clearTimeout(stop);
    expect(run.status, run.stderr).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(Buffer.concat(chunks).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});
