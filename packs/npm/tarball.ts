/**
 * Deterministic gzip tarballs of in-memory files under one folder, as npm
 * packs them (`package/...`): entries sorted, fixed time, owner and modes,
 * no pax headers, so the same files always give the same bytes and so the
 * same `dist.integrity`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import { makeFolders } from '../folders.js';

/** 1985-10-26T08:15:00Z, the instant npm itself stamps on packed files. */
const NPM_MTIME = new Date(Date.UTC(1985, 9, 26, 8, 15, 0));

export async function tarballOf(files: Map<string, Buffer>, folder: string): Promise<Buffer> {
  const names = [...files.keys()].sort();
  // tar writes from disk; stage exactly these bytes.
  const stage = mkdtempSync(join(tmpdir(), 'cordum-npm-'));
  try {
    for (const name of names) {
      const target = join(stage, name);
      makeFolders(dirname(target));
      writeFileSync(target, files.get(name)!);
      chmodSync(target, 0o644);
    }
    const stream = create({ cwd: stage, prefix: folder, portable: true, noPax: true,
      strict: true, noDirRecurse: true, mtime: NPM_MTIME }, names);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return gzipSync(Buffer.concat(chunks), { level: 9 });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
