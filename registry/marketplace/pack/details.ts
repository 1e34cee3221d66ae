/**
 * What a pack page shows beyond the manifest: the loaded pack (workflows,
 * policy fragments, schemas) read back from the stored tarball, its README
 * and images, and the signature checked again against the registered key.
 */
import { readBundle, type PackFiles } from '../../../packs/bundle/read.js';
import { isPackError } from '../../../packs/errors.js';
import { loadPack, type LoadedPack } from '../../../packs/load.js';
import { bundleKeyId, verifyTarball } from '../../../packs/signing/verify.js';
import type { RegistryDeps } from '../../deps.js';
import { findKey } from '../../store/keys.js';
import { findBundle, type VersionRecord } from '../../store/packs.js';

export type SignatureStatus =
  | { state: 'verified'; keyId: string; keyPublisher: string; tlogEntries: number }
  | { state: 'failed'; keyId?: string; code: string; message: string };

export interface PackDetails {
  record: VersionRecord;
  pack: LoadedPack;
  readme?: { file: string; text: string };
  /** Raster images inside the pack, by path, for the README. */
  images: Map<string, { type: string; bytes: Buffer }>;
  signature: SignatureStatus;
  /** Bytes held, for the cache's budget. */
  size: number;
}

const README = /^readme(\.md|\.markdown)?$/i;
const MAX_README_BYTES = 512 * 1024;
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

function readmeOf(files: PackFiles): PackDetails['readme'] {
  const names = [...files.files.keys()].filter((p) => README.test(p)).sort();
  const file = names.find((n) => n.toLowerCase() === 'readme.md') ?? names[0];
  if (file === undefined) return undefined;
  const bytes = files.files.get(file)!;
  const cut = bytes.length > MAX_README_BYTES;
  const text = bytes.subarray(0, MAX_README_BYTES).toString('utf8');
  return { file, text: cut ? `${text}\n\n*(README cut at 512 KiB)*` : text };
}

/** The content type a pack file is served as an image with, by its name; none for others. */
export function imageTypeOf(path: string): string | undefined {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  return Object.hasOwn(IMAGE_TYPES, ext) ? IMAGE_TYPES[ext] : undefined;
}

function imagesOf(files: PackFiles): PackDetails['images'] {
  const images: PackDetails['images'] = new Map();
  for (const [path, bytes] of files.files) {
    const type = imageTypeOf(path);
    if (type && bytes.length <= MAX_IMAGE_BYTES) images.set(path, { type, bytes });
  }
  return images;
}

/** Checks the stored signature bundle against the key registered for it. */
export async function checkSignature(deps: RegistryDeps, record: VersionRecord,
  tgz: Buffer): Promise<SignatureStatus> {
  const bundle = await findBundle(deps.db, record.packId, record.version);
  let keyId: string | undefined;
  try {
    keyId = bundleKeyId(bundle);
    const key = await findKey(deps.db, keyId);
    if (key && key.publisher !== record.publisher) {
      return { state: 'failed', keyId, code: 'key_publisher_mismatch',
        message: `key ${keyId} belongs to ${key.publisher}, not ${record.publisher}` };
    }
    verifyTarball(tgz, bundle, (id) => (key && id === key.key_id ? key.public_key : undefined));
    return { state: 'verified', keyId, keyPublisher: key!.publisher,
      tlogEntries: tlogEntriesOf(bundle) };
  } catch (err) {
    if (!isPackError(err)) throw err;
    const failed: SignatureStatus = { state: 'failed', code: err.code, message: err.message };
    if (keyId !== undefined) failed.keyId = keyId;
    return failed;
  }
}

function tlogEntriesOf(bundle: unknown): number {
  const material = (bundle as { verificationMaterial?: { tlogEntries?: unknown } } | null)
    ?.verificationMaterial;
  return Array.isArray(material?.tlogEntries) ? material.tlogEntries.length : 0;
}

/** Reads, checks and loads one stored version (the blob store re-hashes the tarball). */
export async function loadDetails(deps: RegistryDeps, record: VersionRecord):
  Promise<PackDetails> {
  const tgz = await deps.blobs.get(record.sha256);
  const files = await readBundle(tgz, deps.bundleLimits);
  const pack = loadPack(files);
  const readme = readmeOf(files);
  const images = imagesOf(files);
  const signature = await checkSignature(deps, record, tgz);
  let size = tgz.length * 4;
  for (const image of images.values()) size += image.bytes.length;
  const details: PackDetails = { record, pack, images, signature, size };
  if (readme) details.readme = readme;
  return details;
}
