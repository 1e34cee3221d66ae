/**
 * `makeFolders`, the `mkdir -p` every command writes through: Node's own
 * recursive mkdir spins for ever under /proc (ENOENT for a child of a folder
 * that exists), and a command given such a path never returned.
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolders } from '../../packs/folders.js';
import { cordum } from '../helpers/cli.js';

const HAS_PROC = existsSync('/proc/self');

describe('makeFolders', () => {
  it('makes every missing folder, and takes one already there', () => {
    const root = mkdtempSync(join(tmpdir(), 'cordum-folders-'));
    makeFolders(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeFolders(join(root, 'a', 'b'));
    makeFolders(join(root, 'd'), 0o700);
    expect(statSync(join(root, 'd')).mode & 0o777).toBe(0o700);
  });

  it('refuses a path through a file with ENOTDIR', () => {
    const root = mkdtempSync(join(tmpdir(), 'cordum-folders-'));
    writeFileSync(join(root, 'f'), 'x');
    expect(() => makeFolders(join(root, 'f', 'g'))).toThrow(expect.objectContaining({
      code: 'ENOTDIR' }));
  });

  it.skipIf(!HAS_PROC)('answers ENOENT under /proc at once, where Node spins', () => {
    expect(() => makeFolders('/proc/cordum-no-such/a')).toThrow(expect.objectContaining({
      code: 'ENOENT' }));
  });

  it.skipIf(!HAS_PROC)('lets a command given a folder under /proc fail and exit', async () => {
    const started = Date.now();
    const r = await cordum(['pack', 'build', 'examples/packs/echo-tools', '--out',
      '/proc/cordum-no-such/pack.tgz']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/proc/cordum-no-such');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
