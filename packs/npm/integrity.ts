/** npm's Subresource Integrity strings (`sha512-<base64>`) and legacy sha1 shasums. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function sha512Integrity(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

export function sha1Hex(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * Whether `data` matches the sha512 entry of an SRI string (which may list
 * several hashes). Undefined when the string has no sha512 entry.
 */
export function matchesSha512(data: Buffer, integrity: string): boolean | undefined {
  const entry = integrity.split(/\s+/).find((e) => e.startsWith('sha512-'));
  if (entry === undefined) return undefined;
  const expected = Buffer.from(entry.slice('sha512-'.length).replace(/\?.*$/, ''), 'base64');
  const actual = createHash('sha512').update(data).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
