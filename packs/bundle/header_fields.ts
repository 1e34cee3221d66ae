/**
 * Header fields that tar readers decode differently, refused so every
 * reader frames and names a pack's entries as the registry does. The parser
 * reads a size up to its first NUL, where GNU tar first skips one leading
 * NUL: `\0` then `0000001000` is no body here and 512 bytes there, and the
 * blocks between are headers to one and data to the other. A name's prefix
 * field counts only in a ustar `00` header here and in GNU tar, but Python
 * prepends it to the name whatever the header's magic.
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
