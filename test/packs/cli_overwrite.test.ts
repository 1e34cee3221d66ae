/**
 * An output flag naming one of the command's own inputs is refused before
 * anything is written: the signature over the private key, the tarball over
 * the pack's manifest.
 */
import { linkSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cordum, cordumJson, ensureBuilt } from './helpers/cli.js';
import { copyPack, ECHO, PACK } from './helpers/packs.js';

let work: string;
let key: string;
let tgz: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'cordum-overwrite-'));
  expect(cordum(['keygen', '--out', join(work, 'keys')]).status).toBe(0);
  key = join(work, 'keys', 'cordum.key');
  tgz = join(work, 'hello.tgz');
  expect(cordum(['pack', 'build', copyPack('hello-pack'), '--out', tgz]).status).toBe(0);
}, 180_000);

describe('cordum pack sign --out', () => {
  it('refuses the private key, whatever the spelling, and leaves it whole', () => {
    const before = readFileSync(key);
    const run = cordum(['pack', 'sign', tgz, '--key', key, '--out',
      join(work, 'keys', '..', 'keys', 'cordum.key')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^error\[usage\]: --out .*cordum\.key is the private key given as --key /);
    expect(readFileSync(key).equals(before)).toBe(true);
  });

  it('refuses the tarball, through a hard link too', () => {
    const link = join(work, 'hello-link.tgz');
    linkSync(tgz, link);
    const before = readFileSync(tgz);
    const run = cordumJson(['pack', 'sign', tgz, '--key', key, '--out', link]);
    expect(run.status).toBe(2);
    expect(run.json).toEqual({ ok: false, error: { code: 'usage', message: `--out ${link} is ` +
      `the tarball ${tgz}, which this command reads: writing there would destroy it; give ` +
      '--out another file' } });
    expect(readFileSync(tgz).equals(before)).toBe(true);
  });
});

describe('cordum pack build --out', () => {
  it('refuses a file of the pack, pack.yaml or through a link, and writes nothing', () => {
    const dir = copyPack('hello-pack');
    const manifest = readFileSync(join(dir, PACK));
    const workflow = readFileSync(join(dir, ECHO));
    const run = cordum(['pack', 'build', dir, '--out', join(dir, PACK)]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error[usage]: --out ${join(dir, PACK)} is the pack's file ` +
      `${join(dir, PACK)}, which this command reads: writing there would destroy it; give ` +
      '--out another file\n');
    const link = join(work, 'echo-link.yaml');
    symlinkSync(join(dir, ECHO), link);
    expect(cordum(['pack', 'build', dir, '--out', link]).status).toBe(2);
    expect(readFileSync(join(dir, PACK)).equals(manifest)).toBe(true);
    expect(readFileSync(join(dir, ECHO)).equals(workflow)).toBe(true);
  });
});

describe('cordum pack test --junit', () => {
  it('refuses a file of the pack or the tarball tested, leaving it whole', () => {
    const dir = copyPack('hello-pack');
    const manifest = readFileSync(join(dir, PACK));
    const run = cordum(['pack', 'test', dir, '--junit', join(dir, PACK)]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error[usage]: --junit ${join(dir, PACK)} is the pack's file ` +
      `${join(dir, PACK)}, which this command reads: writing there would destroy it; give ` +
      '--junit another file\n');
    expect(readFileSync(join(dir, PACK)).equals(manifest)).toBe(true);

    const before = readFileSync(tgz);
    expect(cordum(['pack', 'test', tgz, '--junit', tgz]).status).toBe(2);
    expect(readFileSync(tgz).equals(before)).toBe(true);
  });
});
