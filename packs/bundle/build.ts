/**
 * Builds `<id>-<version>.tgz` from a pack folder. The output depends only
 * on file names and contents: entries sorted, fixed time, owner and modes,
 * pax headers only for names a plain header cannot hold (longer than 100
 * bytes), so the same folder always gives the same bytes. The tarball is
 * read back as a registry would read it before it is handed out.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import { PackError } from '../errors.js';
import { loadPack, type LoadedPack } from '../load.js';
import { readBundle, type PackFiles } from './read.js';
import { readPackDir, packRoot } from './source.js';
import { makeFolders } from '../folders.js';

/** 2000-01-01T00:00:00Z: any fixed instant works; this one is in range for every tar reader. */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

export interface BuiltBundle {
  tgz: Buffer;
  pack: LoadedPack;
  fileName: string;
  /** The folder holding pack.yaml, and each file's path in it (posix). */
  root: string;
  names: string[];
}

export async function buildBundle(dir: string): Promise<BuiltBundle> {
  const root = packRoot(dir);
  const files = readPackDir(root);
  const pack = loadPack(files);
  const names = [...files.files.keys()].sort();

  // tar writes from disk; stage the exact bytes we validated, not the live folder.
  const stage = mkdtempSync(join(tmpdir(), 'cordum-build-'));
  try {
    for (const name of names) {
      const target = join(stage, name);
      makeFolders(dirname(target));
      writeFileSync(target, files.files.get(name)!);
      // Modes come from the staged file: pin them, whatever the umask.
      chmodSync(target, 0o644);
    }
    const tar = await tarOf(stage, names);
    const tgz = gzipSync(tar, { level: 9 });
    await assertReadsBack(tgz, files);
    const { id, version } = pack.manifest.metadata;
    return { tgz, pack, fileName: `${id}-${version}.tgz`, root, names };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The tarball holds exactly the files that were validated, under the same names. */
async function assertReadsBack(tgz: Buffer, files: PackFiles): Promise<void> {
  const read = await readBundle(tgz);
  for (const [name, bytes] of files.files) {
    if (!read.files.get(name)?.equals(bytes)) {
      throw new PackError('bundle_corrupt', `${name}: the built tarball does not hold this file ` +
        'as it is in the folder', { details: { entry: name } });
    }
  }
  if (read.files.size !== files.files.size) {
    throw new PackError('bundle_corrupt', 'the built tarball holds files the folder does not');
  }
}

async function tarOf(cwd: string, names: string[]): Promise<Buffer> {
  const stream = create(
    {
      cwd,
      portable: true,
      strict: true,
      noDirRecurse: true,
      mtime: FIXED_MTIME,
    },
    names,
  );
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
