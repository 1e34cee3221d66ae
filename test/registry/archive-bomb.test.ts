/**
 * `registry import` reads an archive into memory: one that unpacks to far
 * more than its own size is refused as a decompression bomb while it is
 * read, before memory fills.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveUnpackLimit, readArchiveMembers } from '../../registry/commands/archive.js';

const dir = mkdtempSync(join(tmpdir(), 'cordum-archive-bomb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .tar.gz of one file of `size` zero bytes: it shrinks about a thousand times. */
async function zeros(size: number): Promise<Buffer> {
  writeFileSync(join(dir, 'blob'), Buffer.alloc(size));
  const chunks: Buffer[] = [];
  const stream = create({ cwd: dir, portable: true }, ['blob']);
  for await (const c of stream) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('an archive that unpacks past its limit', () => {
  it('is archive_invalid, naming the limit', async () => {
    const bomb = await zeros(4 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);

    await expect(readArchiveMembers(bomb, 1024 * 1024)).rejects.toMatchObject({
      code: 'archive_invalid',
      message: expect.stringMatching(
        /unpacks to more than 1048576 bytes, \d+ times its own size: refused as a decompression/),
    });
  });

  it('reads in full under the limit', async () => {
    const members = await readArchiveMembers(await zeros(512 * 1024), 1024 * 1024);

    expect(members.get('blob')?.length).toBe(512 * 1024);
  });

  it('is 256 MiB plus twenty times the archive by default', () => {
    expect(archiveUnpackLimit(0)).toBe(268_435_456);
    expect(archiveUnpackLimit(1_000_000)).toBe(268_435_456 + 20_000_000);
  });
});
