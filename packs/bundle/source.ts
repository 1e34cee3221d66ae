/**
 * A pack source is a folder or a `.tgz`. Both end as the same in-memory
 * file map, with the same limits, so validation never touches the disk.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isPackError, PackError } from '../errors.js';
import { withLimits, type BundleLimits } from './limits.js';
import { checkEntryPath } from './paths.js';
import { foldName, readBundle, type PackFiles } from './read.js';

export interface PackSource {
  files: PackFiles;
  /** The tarball's bytes when the source was one. */
  tgz?: Buffer;
  /** The folder holding pack.yaml, when the source was a folder. */
  dir?: string;
}

/** Names that never belong in a bundle: VCS data, local state, build output. */
export function isExcluded(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name.endsWith('.tgz') ||
    name.endsWith('.sigstore.json');
}

/**
 * Why a pack folder's file is not in the pack though it is on disk: a name the build
 * leaves out (isExcluded). Without it, "not in the pack" sent users looking for a
 * file that is right there.
 */
export function leftOutWhy(path: string): string {
  const name = path.split('/').filter((s) => s !== '' && s !== '.').find(isExcluded);
  if (name === undefined) return '';
  return `: a pack folder's build leaves "${name}" out, as it does every name starting with ` +
    '".", node_modules, *.tgz and *.sigstore.json; rename it';
}

export async function readPackSource(path: string, limits?: Partial<BundleLimits>) {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new PackError('file_missing', `${path}: no such file or folder`, { cause: err });
  }
  if (stat.isFile()) {
    const tgz = readFileSync(path);
    // gzip data starts 1f 8b: anything else (a pack.yaml, say) was meant as its folder.
    if (tgz[0] !== 0x1f || tgz[1] !== 0x8b) {
      throw new PackError('bundle_corrupt', `${path} is a file but not a pack tarball (.tgz): ` +
        'give the pack\'s folder (the one holding pack.yaml) or a tarball ' +
        '`cordum pack build` made');
    }
    // The reader's messages name the entry; the tarball's path says which file holds it.
    const files = await readBundle(tgz, limits).catch((err: unknown) => {
      if (!isPackError(err)) throw err;
      throw new PackError(err.code, `${path}: ${err.message}`,
        { details: err.details, cause: err });
    });
    return { files, tgz } satisfies PackSource;
  }
  const dir = packRoot(path);
  return { files: readPackDir(dir, limits), dir } satisfies PackSource;
}

/** The folder holding pack.yaml: the given one or its `pack/` subfolder. */
export function packRoot(dir: string): string {
  // A folder that is not there is the path's error, as for `pack validate` and `pack test`,
  // not "no pack.yaml here" about a folder that does not exist.
  if (!existsSync(dir)) {
    throw new PackError('file_missing', `${dir}: no such file or folder`);
  }
  for (const root of [dir, join(dir, 'pack')]) {
    const manifest = join(root, 'pack.yaml');
    let st;
    try {
      st = lstatSync(manifest);
    } catch {
      continue;
    }
    // A link is the folder's reader's to refuse, by name, as any link in a pack.
    if (st.isFile() || st.isSymbolicLink()) return root;
    // "No pack.yaml here" of a folder or a fifo named pack.yaml sent users looking for it.
    throw new PackError(st.isDirectory() ? 'bundle_no_manifest' : 'bundle_special_file',
      `${manifest}: is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected the ` +
      'pack\'s manifest, a YAML file');
  }
  throw new PackError('bundle_no_manifest', `${dir}: no pack.yaml here or in ${join(dir, 'pack')}`);
}

/** Reads a pack folder; links and special files are refused, as in a tarball. */
export function readPackDir(dir: string, overrides?: Partial<BundleLimits>): PackFiles {
  const limits = withLimits(overrides);
  const files = new Map<string, Buffer>();
  // Names as a reader compares them (README.md and readme.md, or café in two Unicode forms,
  // are one file on many disks).
  const folded = new Set<string>();
  let total = 0;
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (isExcluded(name)) continue;
      const full = join(folder, name);
      const rel = relative(dir, full).split(sep).join('/');
      // The rules a bundle's reader applies, checked here so the build names the file.
      checkEntryPath(rel);
      if (folded.has(foldName(rel))) {
        throw new PackError('bundle_duplicate_entry', `${rel}: another file differs from it ` +
          'only in upper and lower case or in how its accents are written (Unicode form)',
          { details: { entry: rel } });
      }
      folded.add(foldName(rel));
      const st = lstatSync(full);
      if (st.isSymbolicLink()) {
        throw new PackError('bundle_link', `${rel}: links are not allowed in a pack`);
      }
      if (st.isDirectory()) {
        walk(full);
        continue;
      }
      if (!st.isFile()) throw new PackError('bundle_special_file', `${rel}: not a regular file`);
      if (st.size > limits.maxFileBytes) {
        throw new PackError('bundle_file_too_large',
          `${rel}: ${st.size} bytes; the limit for one file is ${limits.maxFileBytes}`);
      }
      total += st.size;
      if (files.size + 1 > limits.maxFiles) {
        throw new PackError('bundle_too_many_files', `pack has more than ${limits.maxFiles} files`);
      }
      if (total > limits.maxTotalBytes) {
        throw new PackError('bundle_uncompressed_too_large',
          `pack files add up to more than ${limits.maxTotalBytes} bytes`);
      }
      files.set(rel, readFileSync(full));
    }
  };
  walk(dir);
  return { files };
}
