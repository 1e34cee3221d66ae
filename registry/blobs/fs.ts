/**
 * Blobs on the file system: `<root>/sha256/ab/<hex>`. A new blob is written
 * to a temporary file, flushed, then hard-linked into place, so a reader
 * never sees half a blob and two writers of the same bytes agree on which
 * one created it.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { link, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSha256Hex, sha256Hex } from '../../packs/digest.js';
import { RegistryError } from '../errors.js';
import type { BlobStore, PutResult } from './store.js';
import { makeFolders } from '../../packs/folders.js';

const STALE_TEMP_MS = 60 * 60 * 1000;

function errnoOf(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
}

/** Verified blobs kept in memory, at most this many bytes in all. */
const CACHE_BYTES = 64 * 1024 * 1024;

interface Verified {
  identity: string;
  data: Buffer;
}

export class FsBlobStore implements BlobStore {
  // Re-hashing on every read would dominate a download; a blob whose file is
  // unchanged (same inode, size and times) was verified already.
  private readonly verified = new Map<string, Verified>();
  private cachedBytes = 0;

  private constructor(private readonly root: string) {}

  /**
   * Opens the store under `root`, removing temp files a crash left behind.
   * Only old ones: another process sharing the folder may be writing.
   */
  static async open(root: string, now = new Date()): Promise<FsBlobStore> {
    const tmp = join(root, 'tmp');
    makeFolders(join(root, 'sha256'));
    makeFolders(tmp);
    for (const name of await readdir(tmp)) {
      const info = await stat(join(tmp, name)).catch(() => undefined);
      if (info && now.getTime() - info.mtimeMs > STALE_TEMP_MS) {
        await rm(join(tmp, name), { force: true });
      }
    }
    return new FsBlobStore(root);
  }

  /** Where blob `sha256` lives; refuses anything but 64 hex digits. */
  pathOf(sha256: string): string {
    if (!isSha256Hex(sha256)) {
      throw new RegistryError('internal', `not a sha256 blob name: ${JSON.stringify(sha256)}`);
    }
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async put(data: Buffer): Promise<PutResult> {
    const sha256 = sha256Hex(data);
    const target = this.pathOf(sha256);
    makeFolders(join(this.root, 'sha256', sha256.slice(0, 2)));

    const temp = join(this.root, 'tmp', `${sha256}.${randomBytes(6).toString('hex')}`);
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }

    try {
      await link(temp, target);
      return { sha256, created: true };
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'EEXIST') return { sha256, created: false };
      if (code !== 'EPERM' && code !== 'ENOTSUP') throw err;
      // A file system without hard links: rename, which may replace equal bytes.
      const existed = await this.has(sha256);
      await rename(temp, target);
      return { sha256, created: !existed };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get(sha256: string): Promise<Buffer> {
    const identity = this.identityOf(sha256);
    const known = this.verified.get(sha256);
    if (known && identity !== undefined && known.identity === identity) return known.data;
    const data = await this.readVerified(sha256);
    if (identity !== undefined) this.remember(sha256, identity, data);
    return data;
  }

  /**
   * The file's identity, checked on every read so a changed blob is hashed
   * again (and refused) on its next download. A synchronous stat of a local
   * file costs a few microseconds; the thread-pool round trip of an
   * asynchronous one cost a fifth of a cached download's time.
   */
  private identityOf(sha256: string): string | undefined {
    let info;
    try {
      info = statSync(this.pathOf(sha256), { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    return info && `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  }

  private remember(sha256: string, identity: string, data: Buffer): void {
    if (data.length > CACHE_BYTES / 16) return;
    const old = this.verified.get(sha256);
    if (old) this.cachedBytes -= old.data.length;
    this.verified.delete(sha256);
    this.verified.set(sha256, { identity, data });
    this.cachedBytes += data.length;
    for (const [name, v] of this.verified) {
      if (this.cachedBytes <= CACHE_BYTES) break;
      this.verified.delete(name);
      this.cachedBytes -= v.data.length;
    }
  }

  private async readVerified(sha256: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.pathOf(sha256));
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
      throw new RegistryError('blob_missing', `blob sha256:${sha256} is not in the store`);
    }
    const actual = sha256Hex(data);
    if (actual !== sha256) {
      throw new RegistryError(
        'blob_corrupt',
        `blob sha256:${sha256} changed on disk: its bytes hash to sha256:${actual}`,
        { details: { expected: sha256, actual } },
      );
    }
    return data;
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      throw err;
    }
  }

  async remove(sha256: string): Promise<void> {
    const known = this.verified.get(sha256);
    if (known) this.cachedBytes -= known.data.length;
    this.verified.delete(sha256);
    await rm(this.pathOf(sha256), { force: true });
  }

  /** Names of temp files now present (tests check that none are left). */
  async tempFiles(): Promise<string[]> {
    return readdir(join(this.root, 'tmp'));
  }
}
