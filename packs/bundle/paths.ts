/** Path rules for entries of a pack bundle, shared by reading and building. */
import { PackError } from '../errors.js';

/** NAME_MAX of Linux, macOS and Windows alike: the bytes of one file or folder name. */
const MAX_SEGMENT_BYTES = 255;
/** The bytes of a whole path in the pack, leaving room for the project's own folders. */
const MAX_NAME_BYTES = 768;

/**
 * Returns the entry's normalised posix path, or throws: absolute paths,
 * `..` segments, backslashes, control characters and names that were not
 * valid UTF-8 are all refused.
 */
export function checkEntryPath(raw: string): string {
  const fail = (code: 'bundle_path_absolute' | 'bundle_path_traversal' | 'bundle_path_invalid',
    why: string) => {
    throw new PackError(code, `${JSON.stringify(raw)}: ${why}`, { details: { entry: raw } });
  };
  if (raw.length === 0) fail('bundle_path_invalid', 'empty entry name');
  if (/[\u0000-\u001f\u007f]/.test(raw)) fail('bundle_path_invalid', 'control character in name');
  if (raw.includes('\uFFFD')) fail('bundle_path_invalid', 'name is not valid UTF-8');
  if (raw.includes('\\')) fail('bundle_path_invalid', 'backslash in name');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) fail('bundle_path_absolute',
    'absolute path');
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) fail('bundle_path_traversal', 'path leaves the bundle (..)');
  if (segments.length === 0) fail('bundle_path_invalid', 'entry name has no file part');
  // A name no disk can hold would publish, then fail every install (ENAMETOOLONG).
  if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES)) {
    fail('bundle_path_invalid', `a file or folder name is longer than ${MAX_SEGMENT_BYTES} ` +
      'bytes, which no common file system holds');
  }
  const name = segments.join('/');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    fail('bundle_path_invalid', `path is longer than ${MAX_NAME_BYTES} bytes: under a project's ` +
      '.cordum/packs it could pass the longest path a file system takes (1,024 bytes on macOS)');
  }
  return name;
}

/**
 * A pack's root is the folder holding `pack.yaml`: the tarball's root, or a
 * single top-level folder (as `npm pack` makes), or a `pack/` folder.
 */
export function rootOf(entries: Map<string, Buffer>): Map<string, Buffer> {
  if (entries.has('pack.yaml')) return entries;
  const tops = new Set([...entries.keys()].map((p) => p.split('/')[0]));
  const candidates = tops.size === 1 ? [...tops] : entries.has('pack/pack.yaml') ? ['pack'] : [];
  const top = candidates[0];
  if (top !== undefined && entries.has(`${top}/pack.yaml`)) {
    const prefix = `${top}/`;
    const inner = new Map<string, Buffer>();
    for (const [path, body] of entries) {
      if (path.startsWith(prefix)) inner.set(path.slice(prefix.length), body);
    }
    return inner;
  }
  throw new PackError('bundle_no_manifest', 'bundle has no pack.yaml at its root or in a single ' +
    'top-level folder');
}
