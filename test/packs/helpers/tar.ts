/**
 * Hand-written tar archives for hostile-bundle tests. Headers are laid out
 * byte by byte (ustar), so a test can write what no well-behaved tool would:
 * `..` names, invalid UTF-8, devices, duplicate and case-folded entries.
 */
import { gzipSync } from 'node:zlib';

/** Tar type flags, as written in byte 156 of a header. */
export const TYPE = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  charDevice: '3',
  blockDevice: '4',
  directory: '5',
  fifo: '6',
  pax: 'x',
} as const;

export interface TarEntry {
  /** Entry name; a Buffer is written as raw bytes (for invalid UTF-8). */
  name: string | Buffer;
  body?: Buffer | string;
  type?: string;
  linkname?: string;
  /** Size written in the header; defaults to the body's length. */
  size?: number;
  mode?: number;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, '0');
  block.write(`${text}\0`, offset, width, 'ascii');
}

/** One 512-byte ustar header with a correct checksum. */
export function tarHeader(entry: TarEntry, bodyLength: number): Buffer {
  const block = Buffer.alloc(512);
  const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
  if (name.length > 100) throw new Error(`test helper: name longer than 100 bytes: ${name}`);
  name.copy(block, 0);
  writeOctal(block, 100, 8, entry.mode ?? 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, entry.size ?? bodyLength);
  writeOctal(block, 136, 12, 946684800);
  block.write(entry.type ?? TYPE.file, 156, 1, 'ascii');
  if (entry.linkname) block.write(entry.linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  // The checksum is summed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function padded(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}

/** A tar archive of the entries, ended by two zero blocks. */
export function tarOf(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.body === undefined ? Buffer.alloc(0)
      : typeof entry.body === 'string' ? Buffer.from(entry.body, 'utf8') : entry.body;
    parts.push(tarHeader(entry, body.length), padded(body));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A gzip-compressed tar archive of the entries. */
export function tgzOf(entries: TarEntry[]): Buffer {
  return gzipSync(tarOf(entries));
}

/** A pax extended header that sets the next entry's path. */
export function paxPath(path: string): TarEntry {
  const record = (len: number) => `${len} path=${path}\n`;
  let len = record(0).length;
  while (record(len).length !== len) len = record(len).length;
  return { name: 'PaxHeader/x', type: TYPE.pax, body: record(len) };
}

/** The smallest manifest readBundle needs to find a pack root. */
export const MINIMAL_MANIFEST = [
  'apiVersion: cordum.io/v1alpha1',
  'kind: Pack',
  'metadata:',
  '  id: tiny',
  '  version: 1.0.0',
  '',
].join('\n');
