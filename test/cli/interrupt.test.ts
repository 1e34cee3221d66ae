/**
 * Ctrl-C while files are half-written, in a real child process: an export
 * leaves neither a truncated archive nor its temporary file and folder; a
 * pack unpack (synchronous) finishes first, leaving no staging folder. The
 * child is the code under test bundled with esbuild, signalled by the test.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SCRIPT = `
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { writeArchive } from ${JSON.stringify(join(ROOT, 'registry/commands/archive.ts'))};
import { removeStaging, writePackFiles } from ${JSON.stringify(join(ROOT,
  'packs/bundle/extract.ts'))};
import { onInterrupt } from ${JSON.stringify(join(ROOT, 'cli/interrupt.ts'))};
const [mode, target] = process.argv.slice(2);
if (mode === 'archive') {
  const members = new Map();
  for (let i = 0; i < 8; i++) members.set('blobs/' + i, randomBytes(8 << 20));
  await writeArchive(target, {}, members, () => 'sig');
} else {
  const files = new Map();
  for (let i = 0; i < 20000; i++) files.set('f/' + (i % 50) + '/' + i + '.yaml', randomBytes(64));
  // As \`cordum pack install\` wraps its installs (packs/commands/install.ts).
  const interrupt = onInterrupt(() => removeStaging(dirname(target), true));
  writePackFiles({ files }, target);
  interrupt.release();
}
process.stdout.write('done\\n');
`;

let bundle: string;

/** Runs the bundled child, sends it SIGINT once `started()`, and answers how it ended. */
async function interrupted(args: string[], env: NodeJS.ProcessEnv, started: () => boolean) {
  const child = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const ended = new Promise<NodeJS.Signals | number | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? code)));
  let sent = false;
  for (let i = 0; i < 4000 && child.exitCode === null && !sent; i++) {
    if (started()) sent = child.kill('SIGINT');
    else await new Promise((r) => setTimeout(r, 2));
  }
  return { sent, how: await ended, stderr };
}

describe('Ctrl-C while writing', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-interrupt-'));
    writeFileSync(join(dir, 'entry.mts'), SCRIPT);
    bundle = join(dir, 'child.mjs');
    await build({ entryPoints: [join(dir, 'entry.mts')], outfile: bundle, bundle: true,
      platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
      banner: { js: "import { createRequire } from 'node:module';" +
        'const require = createRequire(import.meta.url);' } });
  });

  it('an export leaves the old archive, and no temporary file or folder', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cordum-interrupt-export-'));
    const temp = join(work, 'tmp');
    mkdirSync(temp);
    const out = join(work, 'out', 'backup.tgz');
    mkdirSync(join(work, 'out'));
    writeFileSync(out, 'the last good archive\n');
    // Writing has begun once the staging folder has files or the archive's folder changed.
    const started = () => readdirSync(temp).length > 0 &&
      (readdirSync(join(work, 'out')).length > 1 || readFileSync(out).length !== 22);
    const r = await interrupted(['archive', out], { TMPDIR: temp }, started);
    expect(r.sent, r.stderr).toBe(true);
    expect(r.how).toBe('SIGINT');
    expect(readFileSync(out, 'utf8')).toBe('the last good archive\n');
    expect(readdirSync(join(work, 'out'))).toEqual(['backup.tgz']);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it('a pack unpack finishes first, leaving no staging folder', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cordum-interrupt-unpack-'));
    const dest = join(work, 'packs', 'many-files');
    const staging = (name: string) => /^many-files\.tmp-\d+$/.test(name);
    const started = () => existsSync(join(work, 'packs')) &&
      readdirSync(join(work, 'packs')).some(staging);
    const r = await interrupted(['unpack', dest], {}, started);
    expect(r.sent, r.stderr).toBe(true);
    // Ended by the signal once written, or exited first, done (the signal then comes too late).
    expect([0, 'SIGINT']).toContain(r.how);
    expect(readdirSync(join(work, 'packs'))).toEqual(['many-files']);
    expect(readdirSync(join(dest, 'f'))).toHaveLength(50);
  }, 60_000);
});
