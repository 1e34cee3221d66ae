/**
 * writePackFiles replaces a pack's folder by rename from `<id>.tmp-<pid>`;
 * staging folders an earlier install left (killed mid-write) are removed
 * when their process is gone, and kept while it still runs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePackFiles } from '../../packs/bundle/extract.js';

/** A pid no process has: past the kernel's largest (pid_max is at most 2^22). */
const GONE = 4_194_304 + 17;

describe('writePackFiles', () => {
  it('removes stale staging folders of the project, keeping a running install\'s', () => {
    const packs = mkdtempSync(join(tmpdir(), 'cordum-extract-'));
    for (const name of [`hello-pack.tmp-${GONE}`, `slack.tmp-${GONE}`,
      `github.tmp-${process.ppid}`]) {
      mkdirSync(join(packs, name, 'workflows'), { recursive: true });
      writeFileSync(join(packs, name, 'workflows', 'half.yaml'), 'id: hal');
    }
    writePackFiles({ files: new Map([['pack.yaml', Buffer.from('id: hello-pack\n')]]) },
      join(packs, 'hello-pack'));
    expect(readdirSync(packs).sort()).toEqual([`github.tmp-${process.ppid}`, 'hello-pack']);
    expect(readFileSync(join(packs, 'hello-pack', 'pack.yaml'), 'utf8')).toBe('id: hello-pack\n');
  });

  it('removes its own staging when a write fails', () => {
    const packs = mkdtempSync(join(tmpdir(), 'cordum-extract-'));
    const files = new Map([['a', Buffer.from('file')], ['a/b', Buffer.from('under a file')]]);
    expect(() => writePackFiles({ files }, join(packs, 'broken'))).toThrow();
    expect(readdirSync(packs)).toEqual([]);
  });
});
