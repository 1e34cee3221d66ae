/**
 * Reads a pack tarball into memory, refusing anything hostile before a
 * single byte reaches a disk: traversal, absolute paths, links, devices,
 * duplicates, oversize files and archives, too many files, gzip bombs,
 * and bytes past the end of the archive that another tar reader would see.
 */
import { createGunzip } from 'node:zlib';
import { Header, Parser, Pax, type ReadEntry } from 'tar';
import { PackError } from '../errors.js';
import { withLimits, type BundleLimits } from './limits.js';
import { assertPlainFields, assertPlainMode, assertPlainPax } from './header_fields.js';
import { checkEntryPath, rootOf } from './paths.js';

/** A pack's files, keyed by posix path relative to the folder of `pack.yaml`. */
export interface PackFiles {
  files: Map<string, Buffer>;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const LINK_TYPES = new Set(['SymbolicLink', 'Link']);
/** Entries that describe the next one (pax and GNU long names), never kept themselves. */
const META_TYPES = new Set(['ExtendedHeader', 'OldExtendedHeader', 'GlobalExtendedHeader',
  'NextFileHasLongPath', 'OldGnuLongPath', 'NextFileHasLongLinkpath']);
const BLOCK = 512;
/** node-tar's own default, stated so the parser and the framing walk use one cap. */
const MAX_META_BYTES = 1024 * 1024;

export async function readBundle(
  tgz: Buffer,
  overrides: Partial<BundleLimits> = {},
): Promise<PackFiles> {
  const limits = withLimits(overrides);
  if (tgz.length > limits.maxUploadBytes) {
    throw new PackError(
      'bundle_too_large',
      `pack tarball is ${tgz.length} bytes; the limit is ${limits.maxUploadBytes}`,
      { details: { size: tgz.length, limit: limits.maxUploadBytes } },
    );
  }
  if (tgz.length < 2 || tgz[0] !== 0x1f || tgz[1] !== 0x8b) {
    throw new PackError('bundle_corrupt', 'pack tarball is not gzip-compressed tar');
  }
  const tar = await gunzipLimited(tgz, limits);
  const entries = await parseTar(tar, limits);
  assertNothingSkipped(tar);
  return { files: rootOf(entries) };
}

/** Decompresses with a running count, so a bomb stops at the limit. */
async function gunzipLimited(tgz: Buffer, limits: BundleLimits): Promise<Buffer> {
  // Tar adds a 512-byte header per entry and pads bodies to 512 bytes.
  const ceiling = limits.maxTotalBytes + (limits.maxFiles + 16) * 1024;
  const gunzip = createGunzip();
  const chunks: Buffer[] = [];
  let total = 0;
  const done = new Promise<void>((resolve, reject) => {
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      const error = limitError(total, tgz.length, ceiling, limits);
      if (error) {
        gunzip.destroy();
        reject(error);
        return;
      }
      chunks.push(chunk);
    });
    gunzip.on('end', resolve);
    gunzip.on('error', (err) =>
      reject(new PackError('bundle_corrupt', `pack tarball is not valid gzip: ${err.message}`, {
        cause: err,
      })),
    );
  });
  gunzip.end(tgz);
  await done;
  return Buffer.concat(chunks, total);
}

function limitError(
  total: number,
  compressed: number,
  ceiling: number,
  limits: BundleLimits,
): PackError | undefined {
  if (total > ceiling) {
    return new PackError(
      'bundle_uncompressed_too_large',
      `pack tarball expands past ${limits.maxTotalBytes} bytes`,
      { details: { limit: limits.maxTotalBytes } },
    );
  }
  const ratio = total / Math.max(compressed, 1);
  if (total > 1024 * 1024 && ratio > limits.maxRatio) {
    return new PackError(
      'bundle_ratio_exceeded',
      `pack tarball expands more than ${limits.maxRatio} times its compressed size (at least ` +
        `${total} bytes from ${compressed}): a file of mostly one byte repeated, or a gzip bomb`,
      { details: { limit: limits.maxRatio, compressed } },
    );
  }
  return undefined;
}

interface Collected {
  files: Map<string, Buffer>;
  /** Names as foldName spells them. */
  folded: Set<string>;
  /** Folded folders that some file lives in. */
  folders: Set<string>;
  total: number;
}

function parseTar(tar: Buffer, limits: BundleLimits): Promise<Map<string, Buffer>> {
  const state: Collected = { files: new Map(), folded: new Set(), folders: new Set(), total: 0 };
  return new Promise((resolve, reject) => {
    let failed: unknown;
    const admit = (entry: ReadEntry, check: (e: ReadEntry) => void) => {
      if (failed) {
        entry.resume();
        return;
      }
      try {
        check(entry);
      } catch (err) {
        failed = err;
        entry.resume();
        parser.abort(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const parser = new Parser({
      strict: true,
      maxMetaEntrySize: MAX_META_BYTES,
      onReadEntry: (entry: ReadEntry) => admit(entry, (e) => admitEntry(e, state, limits)),
    });
    parser.on('ignoredEntry', (entry: ReadEntry) => admit(entry, refuseIgnored));
    parser.on('error', (err: Error) => {
      reject(failed ?? new PackError('bundle_corrupt', `pack tarball is not a valid tar archive: ${
        err.message}`, { cause: err }));
    });
    parser.on('end', () => (failed ? reject(failed) : resolve(state.files)));
    parser.end(tar);
  });
}

/**
 * Refuses bytes the parser stepped over unread. node-tar passes a lone zero
 * block and stops at the end-of-archive marker (two zero blocks), where GNU
 * tar -i and Python's ignore_zeros read on: a second archive appended (or a
 * second gzip member) would be a pack that other tools unpack differently.
 * Only zero padding may follow the marker; real tar pads to 10 KiB records.
 */
function assertNothingSkipped(tar: Buffer): void {
  const end = endOfArchive(tar);
  const stray = firstNonZero(tar, end);
  if (stray !== undefined) {
    throw new PackError('bundle_corrupt', `pack tarball has data after the tar end-of-archive ` +
      `marker, at byte ${stray}: expected only zero padding there (a second archive appended?)`,
    { details: { offset: stray } });
  }
}

/**
 * Walks the archive's blocks as the parser frames them (its own Header and
 * Pax, so a pax `size` moves both alike) and returns the offset just past
 * the end-of-archive marker, or past the last block when there is none.
 * Runs after the parser accepted every header, so each one decodes.
 */
function endOfArchive(tar: Buffer): number {
  let ex: Pax | undefined;
  let gex: Pax | undefined;
  let zeroAt: number | undefined;
  let names: string[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = new Header(tar, offset, ex, gex);
    if (header.nullBlock) {
      assertAllZero(tar.subarray(offset, offset + BLOCK), offset);
      if (zeroAt !== undefined) return offset + BLOCK;
      zeroAt = offset;
      offset += BLOCK;
      continue;
    }
    if (zeroAt !== undefined) throw loneZeroBlock(zeroAt);
    assertPlainFields(tar, offset);
    const size = header.size ?? 0;
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    [ex, gex] = extendedAfter(header, body, offset, ex, gex);
    names = namesAfter(header, body, names, offset);
    offset += BLOCK + BLOCK * Math.ceil(size / BLOCK);
  }
  return offset;
}

/**
 * The names that pax (`x`) and GNU long-name (`L`) headers gave the next
 * entry so far; more than one is refused. Readers keep different ones: the
 * parser and GNU tar the last of two `L`s, Python the first; after `x` then
 * `L` the parser keeps L's name where GNU tar and Python keep x's.
 */
function namesAfter(header: Header, body: Buffer, names: string[], offset: number): string[] {
  if (!META_TYPES.has(header.type)) return [];
  const name = header.type === 'NextFileHasLongPath' || header.type === 'OldGnuLongPath'
    ? body.toString().replace(/\0.*/s, '')
    : header.type.endsWith('ExtendedHeader') && header.type !== 'GlobalExtendedHeader'
      ? Pax.parse(body.toString(), undefined).path
      : undefined;
  if (name === undefined) return names;
  const all = [...names, name];
  if (all.length < 2) return all;
  throw new PackError('bundle_path_invalid', `pack tarball names one entry ${all.length} ` +
    `times (${all.map((n) => JSON.stringify(n)).join(', ')}), the last in the header at byte ` +
    `${offset}: tar readers keep different ones; expected one pax or GNU long name per entry`,
  { details: { entry: all[0], names: all, offset } });
}

/** The parser takes a block with only a blank checksum field for zeros; other tools do not. */
function assertAllZero(block: Buffer, offset: number): void {
  const stray = firstNonZero(block, 0);
  if (stray === undefined) return;
  throw new PackError('bundle_corrupt', `pack tarball has a block at byte ${offset} that is ` +
    `neither a valid header nor all zeros (byte ${offset + stray} is not zero)`,
  { details: { offset: offset + stray } });
}

function loneZeroBlock(offset: number): PackError {
  return new PackError('bundle_corrupt', `pack tarball has a lone zero block at byte ${offset} ` +
    'followed by more entries: tar readers disagree on whether it ends the archive; expected ' +
    'entries, then the end-of-archive marker of two zero blocks', { details: { offset } });
}

/** The pax headers in force for the next entry, as the parser keeps them. */
function extendedAfter(header: Header, body: Buffer, offset: number, ex?: Pax, gex?: Pax)
  : [Pax | undefined, Pax | undefined] {
  if (!META_TYPES.has(header.type)) return [undefined, gex];
  // The parser skips a larger one unread, where other tools would apply it.
  if (body.length > MAX_META_BYTES) {
    throw new PackError('bundle_corrupt', `pack tarball has a ${header.type} of ${body.length} ` +
      `bytes; the limit is ${MAX_META_BYTES}`, { details: { limit: MAX_META_BYTES } });
  }
  if (header.type.endsWith('ExtendedHeader')) assertPlainPax(body, offset);
  if (header.type === 'GlobalExtendedHeader') {
    assertNoGlobalPath(Pax.parse(body.toString(), undefined, true));
    return [ex, Pax.parse(body.toString(), gex, true)];
  }
  if (header.type.endsWith('ExtendedHeader')) return [Pax.parse(body.toString(), ex), gex];
  // GNU long names set only a path or a link, never a size: the framing stays.
  return [ex, gex];
}

/**
 * A global pax `path` names every entry after it. The parser ignores it and
 * reads each entry's own name, where GNU tar and Python's tarfile apply it:
 * `path=pack.yaml` then `pack.yaml` and `notes.txt` is two files here, but
 * one `pack.yaml` holding notes.txt's bytes there.
 */
function assertNoGlobalPath(pax: Pax): void {
  if (pax.path === undefined) return;
  throw new PackError('bundle_path_invalid', `${JSON.stringify(pax.path)}: a global pax ` +
    'header sets this path for every entry after it, which tar readers apply differently; ' +
    'expected each entry to name itself', { details: { entry: pax.path } });
}

/** The offset of the first non-zero byte from `from` on, compared a chunk at a time. */
function firstNonZero(buf: Buffer, from: number): number | undefined {
  const zeros = Buffer.alloc(64 * 1024);
  for (let at = from; at < buf.length; at += zeros.length) {
    const chunk = buf.subarray(at, at + zeros.length);
    if (!chunk.equals(zeros.subarray(0, chunk.length))) {
      return at + chunk.findIndex((byte) => byte !== 0);
    }
  }
  return undefined;
}

/** Checks one entry's header; keeps its body if it is a regular file. */
function admitEntry(entry: ReadEntry, state: Collected, limits: BundleLimits): void {
  const raw = entry.header.path ?? entry.path;
  // `tar -C dir .` starts with a `./` entry for the root itself: nothing to keep.
  if (entry.type === 'Directory' && isRootFolder(entry.path || raw)) {
    entry.resume();
    return;
  }
  const name = checkEntryPath(entry.path || raw);
  if (LINK_TYPES.has(entry.type)) {
    throw new PackError('bundle_link', `${name}: links are not allowed in a pack bundle`, {
      details: { entry: name, type: entry.type },
    });
  }
  if (entry.type === 'Directory') {
    admitFolder(name, state);
    entry.resume();
    return;
  }
  if (!FILE_TYPES.has(entry.type)) {
    throw new PackError('bundle_special_file', `${name}: entry type ${entry.type} is not a ` +
      'regular file', { details: { entry: name, type: entry.type } });
  }
  // GNU tar takes a file named `notes/` for a folder and reads its body as more headers;
  // of `notes/.` it makes a folder, then fails to open it, as Python does, where this reader
  // kept a file `notes`.
  if (/(^|\/)\.?$/.test(entry.path || raw)) {
    throw new PackError('bundle_path_invalid', `${JSON.stringify(entry.path || raw)}: a file ` +
      'entry named as a folder (ending in / or /.), which tar readers unpack differently',
    { details: { entry: name, type: entry.type } });
  }
  assertPlainMode(name, entry.mode);
  admitFile(name, entry.size, state, limits);
  const chunks: Buffer[] = [];
  entry.on('data', (chunk: Buffer) => chunks.push(chunk));
  entry.on('end', () => state.files.set(name, Buffer.concat(chunks)));
}

/**
 * The parser passes over entries of a type it does not unpack (sparse files,
 * continuation volumes, ACLs, unknown letters) without showing them to
 * onReadEntry, where GNU tar and Python's tarfile write them as regular files:
 * a second `pack.yaml` typed `S` or `Z` would be what they unpack, unvalidated.
 * A pax or GNU long-name header past MAX_META_BYTES is ignored too; the
 * framing walk names that one.
 */
function refuseIgnored(entry: ReadEntry): void {
  if (META_TYPES.has(entry.type)) return;
  const name = checkEntryPath(entry.path || (entry.header.path ?? ''));
  // The parser keeps no letter for a type it does not know, only `Unsupported`.
  const type = entry.type === 'Unsupported' ? 'of an unknown letter' : entry.type;
  throw new PackError('bundle_special_file', `${name}: entry type ${type} is not a ` +
    'regular file', { details: { entry: name, type: entry.type } });
}

/** `.`, `./`, `.//.`: the archive's own root, as a relative name. */
function isRootFolder(path: string): boolean {
  return path.startsWith('.') && path.split('/').every((s) => s === '' || s === '.');
}

/** `x` and `x/y` cannot both be files: no disk could hold them both. */
function assertNoFolderClash(name: string, folded: string, state: Collected): void {
  const parents = folded.split('/').slice(0, -1).map((_, i, all) => all.slice(0, i + 1).join('/'));
  if (state.folders.has(folded) || parents.some((p) => state.folded.has(p))) {
    throw new PackError('bundle_duplicate_entry', `${name}: is both a file and a folder in the ` +
      'tarball', { details: { entry: name } });
  }
  for (const p of parents) state.folders.add(p);
}

/**
 * A folder entry (`d/`) names a folder no file may take: `d/` then a file
 * `d` is one name twice to a disk, which tar readers resolve differently.
 */
function admitFolder(name: string, state: Collected): void {
  const folded = foldName(name.replace(/\/+$/, ''));
  if (state.folded.has(folded)) {
    throw new PackError('bundle_duplicate_entry', `${name}: is both a file and a folder in the ` +
      'tarball', { details: { entry: name } });
  }
  assertNoFolderClash(name, `${folded}/`, state);
}

/**
 * The one spelling of a name that case-insensitive, normalising disks see:
 * `café` written precomposed (NFC) or decomposed (NFD), in any case. Going
 * through upper case first folds letters whose lower case is another letter
 * (`ſ`, the long s, is `s` to APFS's case folding and `S` to NTFS's upcase
 * table; `ı` is `I` there; `ß` is `SS`), which toLowerCase alone leaves apart.
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

function admitFile(name: string, size: number, state: Collected, limits: BundleLimits) {
  const folded = foldName(name);
  if (state.files.has(name) || state.folded.has(folded)) {
    throw new PackError('bundle_duplicate_entry',
      `${name}: appears more than once in the tarball`,
      { details: { entry: name } });
  }
  assertNoFolderClash(name, folded, state);
  if (state.files.size + 1 > limits.maxFiles) {
    throw new PackError('bundle_too_many_files',
      `pack tarball has more than ${limits.maxFiles} files`,
      { details: { limit: limits.maxFiles } });
  }
  if (size > limits.maxFileBytes) {
    throw new PackError('bundle_file_too_large',
      `${name}: ${size} bytes; the limit for one file is ${limits.maxFileBytes}`,
      { details: { entry: name, size, limit: limits.maxFileBytes } });
  }
  state.total += size;
  if (state.total > limits.maxTotalBytes) {
    throw new PackError('bundle_uncompressed_too_large',
      `pack tarball files add up to more than ${limits.maxTotalBytes} bytes`,
      { details: { limit: limits.maxTotalBytes } });
  }
  state.folded.add(folded);
  // Reserve the name now, so a second header for it is caught before its body.
  state.files.set(name, Buffer.alloc(0));
}
