/**
 * The offline bundle: one JSON file that carries packs across an air gap,
 * each with its signed tarball (base64), its sigstore bundle and the keys
 * that signed them (the trust root). Every field is checked on read; the
 * tarballs and signatures are checked again on install.
 */
import { constants } from 'node:buffer';
import { parseJson } from '../documents.js';
import { PackError } from '../errors.js';

export const OFFLINE_FORMAT = 'cordum-offline-bundle';

export interface OfflinePack {
  id: string;
  version: string;
  sha256: string;
  key_id: string;
  /** The range it was resolved from when the bundle was made. */
  range?: string;
  /** The tarball URL it was downloaded from. */
  source: string;
  tarball_base64: string;
  /** The sigstore bundle, as JSON. */
  bundle: unknown;
}

export interface OfflineKey {
  key_id: string;
  publisher: string;
  public_key: string;
}

export interface OfflineBundle {
  format: typeof OFFLINE_FORMAT;
  formatVersion: 1;
  created_at: string;
  registry: string;
  packs: OfflinePack[];
  keys: OfflineKey[];
}

/**
 * Past this, a bundle file is refused before it is read: the longest string
 * V8 makes (about 512 MiB), which the whole file becomes to be parsed. The
 * limit was 1 GiB, and a file between the two failed with V8's own
 * ERR_STRING_TOO_LONG, naming neither the file nor a code of ours.
 */
export const MAX_OFFLINE_BYTES = constants.MAX_STRING_LENGTH;

function invalid(file: string, why: string): PackError {
  return new PackError('offline_bundle_invalid', `${file}: ${why}`);
}

function strings(o: Record<string, unknown>, names: string[], where: string, file: string) {
  for (const n of names) {
    if (typeof o[n] !== 'string' || o[n] === '') {
      throw invalid(file, `${where}.${n} must be a non-empty string`);
    }
  }
}

function records(doc: Record<string, unknown>, name: string, file: string) {
  const list = doc[name];
  if (!Array.isArray(list)) throw invalid(file, `\`${name}\` must be a list`);
  return list.map((item, i) => {
    if (!item || typeof item !== 'object') throw invalid(file, `${name}[${i}] is not an object`);
    return item as Record<string, unknown>;
  });
}

/** Refuses a bundle file of `size` bytes past the limit. */
export function assertOfflineSize(size: number, file: string): void {
  if (size > MAX_OFFLINE_BYTES) {
    throw invalid(file, `${size} bytes; the limit is ${MAX_OFFLINE_BYTES}`);
  }
}

export function parseOfflineBundle(bytes: Buffer, file: string): OfflineBundle {
  assertOfflineSize(bytes.length, file);
  const doc = parseJson(bytes.toString('utf8'), file) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || doc.format !== OFFLINE_FORMAT) {
    throw invalid(file, `not an offline bundle (expected "format": "${OFFLINE_FORMAT}")`);
  }
  if (doc.formatVersion !== 1) {
    throw invalid(file, `formatVersion ${String(doc.formatVersion)} is not supported`);
  }
  records(doc, 'packs', file).forEach((p, i) => {
    strings(p, ['id', 'version', 'sha256', 'key_id', 'source', 'tarball_base64'], `packs[${i}]`,
      file);
    if (!p.bundle || typeof p.bundle !== 'object') throw invalid(file, `packs[${i}].bundle`);
  });
  records(doc, 'keys', file).forEach((k, i) => {
    strings(k, ['key_id', 'publisher', 'public_key'], `keys[${i}]`, file);
  });
  return doc as unknown as OfflineBundle;
}
