import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { FsBlobStore } from '../../registry/blobs/fs.js';

function root(): string {
  return join(mkdtempSync(join(tmpdir(), 'cordum-blobs-')), 'blobs');
}

describe('FsBlobStore', () => {
  it('stores bytes under their sha256, once', async () => {
    const dir = root();
    const store = await FsBlobStore.open(dir);
    const data = Buffer.from('pack bytes');
    const sha256 = sha256Hex(data);

    expect(await store.put(data)).toEqual({ sha256, created: true });
    expect(await store.put(data)).toEqual({ sha256, created: false });
    expect(store.pathOf(sha256)).toBe(join(dir, 'sha256', sha256.slice(0, 2), sha256));
    expect(await store.get(sha256)).toEqual(data);
    expect(await store.tempFiles()).toEqual([]);
  });

  it('refuses a blob whose bytes changed, and names both hashes', async () => {
    const store = await FsBlobStore.open(root());
    const { sha256 } = await store.put(Buffer.from('original'));
    writeFileSync(store.pathOf(sha256), 'tampered');
    await expect(store.get(sha256)).rejects.toMatchObject({
      code: 'blob_corrupt',
      details: { expected: sha256, actual: sha256Hex('tampered') },
    });
  });

  it('reports a missing blob and removes blobs idempotently', async () => {
    const store = await FsBlobStore.open(root());
    const { sha256 } = await store.put(Buffer.from('gone soon'));
    await store.remove(sha256);
    await store.remove(sha256);
    expect(await store.has(sha256)).toBe(false);
    await expect(store.get(sha256)).rejects.toMatchObject({ code: 'blob_missing' });
  });

  it('refuses names that are not sha256 hex', async () => {
    const store = await FsBlobStore.open(root());
    for (const name of ['../../etc/passwd', 'ABC', 'a'.repeat(63)]) {
      expect(() => store.pathOf(name)).toThrow(/not a sha256 blob name/);
    }
  });

  it('sweeps temp files a crash left behind, but not fresh ones', async () => {
    const dir = root();
    await FsBlobStore.open(dir);
    writeFileSync(join(dir, 'tmp', 'old'), 'x');
    writeFileSync(join(dir, 'tmp', 'fresh'), 'y');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(dir, 'tmp', 'old'), twoHoursAgo, twoHoursAgo);
    await FsBlobStore.open(dir);
    expect(readdirSync(join(dir, 'tmp'))).toEqual(['fresh']);
  });
});
