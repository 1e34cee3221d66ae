/**
 * Header fields that tar readers decode differently, refused so every
 * reader frames and names a pack's entries as the registry does. The parser
 * reads a size up to its first NUL, where GNU tar first skips one leading
 * NUL: `\0` then `0000001000` is no body here and 512 bytes there, and the
 * blocks between are headers to one and data to the other. A name's prefix
 * field counts only in a ustar `00` header here and in GNU tar, but Python
 * prepends it to the name whatever the header's magic. In pax records the
 * parser skips one whose length is wrong, a `size` that is not plain digits
 * and keys it does not know, where Python reads `+0` as a size and both GNU
 * tar and Python take `GNU.sparse.name` as the entry's name.
 */
import { PackError } from '../errors.js';

const SIZE = { at: 124, length: 12 };
const MAGIC = { at: 257, length: 8 };
const PREFIX = { at: 345, length: 155 };
/** Octal digits, with the leading spaces and the trailing spaces or NULs writers use. */
const OCTAL = /^ *[0-7]+[ \0]*$/;

function field(block: Buffer, f: { at: number; length: number }): Buffer {
  return block.subarray(f.at, f.at + f.length);
}

/** Checks the size and prefix of the header block at `offset` of `tar`. */
export function assertPlainFields(tar: Buffer, offset: number): void {
  const block = tar.subarray(offset, offset + 512);
  const size = field(block, SIZE);
  // Base-256 (the high bit set) is one number to every reader.
  const plain = (size[0]! & 0x80) !== 0 || size.every((b) => b === 0) ||
    OCTAL.test(size.toString('latin1'));
  if (!plain) {
    throw new PackError('bundle_corrupt', `pack tarball has a header at byte ${offset} whose ` +
      `size field ${JSON.stringify(size.toString('latin1'))} tar readers read differently; ` +
      'expected octal digits', { details: { offset } });
  }
  const ustar = field(block, MAGIC).toString('latin1') === 'ustar\u000000';
  if (!ustar && field(block, PREFIX).some((b) => b !== 0)) {
    throw new PackError('bundle_corrupt', `pack tarball has a header at byte ${offset} with a ` +
      'name prefix outside a ustar 00 header, which tar readers apply differently',
    { details: { offset } });
  }
}

/** A pax extended header's records, each `<length> <key>=<value>\n`, its length in bytes. */
export function assertPlainPax(body: Buffer, offset: number): void {
  const refuse = (why: string) => new PackError('bundle_corrupt', `pack tarball has a pax ` +
    `header at byte ${offset} ${why}, which tar readers read differently`, { details: { offset } });
  // The body ends at its records; NUL padding after them is what writers leave.
  const end = body.indexOf(0) < 0 ? body.length : body.indexOf(0);
  if (body.subarray(end).some((b) => b !== 0)) throw refuse('with bytes after a NUL');
  let at = 0;
  while (at < end) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space < 0 ? at : space).toString('latin1'));
    const record = body.subarray(at, at + length).toString('utf8');
    const kv = /^\d+ ([^=\n]+)=([^\n]*)\n$/.exec(record);
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0 || !kv) {
      throw refuse(`whose record at byte ${at} is not "<length> <key>=<value>\\n"`);
    }
    const [, key, value] = kv;
    if (key!.startsWith('GNU.sparse.')) throw refuse(`with the key ${key}`);
    if (key === 'size' && !/^\d+$/.test(value!)) throw refuse(`with size=${value}`);
    at += length;
  }
}

/**
 * A file's setuid, setgid and sticky bits: a pack's files are documents, which never need
 * them, and GNU tar run as root restores them (and the owner) from the registry's
 * tarball. `cordum pack build` writes 0644.
 */
export function assertPlainMode(name: string, mode = 0): void {
  if ((mode & 0o7000) === 0) return;
  throw new PackError('bundle_special_file', `${name}: mode ${mode.toString(8)} ` +
    'sets the setuid, setgid or sticky bit, which a pack\'s files never need; expected a plain ' +
    'mode such as 644', { details: { entry: name, mode } });
}
