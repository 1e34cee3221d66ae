/**
 * A signed pack as an npm package. The package holds the pack's files
 * unpacked (so npm, Verdaccio and people can read them), the signed pack
 * tarball itself and its sigstore bundle; `package.json` names the pack and
 * the tarball's sha256 and signer. Installers verify the embedded tarball,
 * byte for byte the one that was signed, exactly as from a Cordum registry.
 *
 * Why embed the tarball rather than rebuild it from the unpacked files: the
 * signature covers gzip bytes, and another zlib could compress the same
 * files differently, which would break every signature for no reason.
 */
import { readBundle, type PackFiles } from '../bundle/read.js';
import { sha256Hex } from '../digest.js';
import { PackError } from '../errors.js';
import { loadPack } from '../load.js';
import type { PackManifest } from '../manifest.js';
import { bundleKeyId } from '../signing/verify.js';
import { sha1Hex, sha512Integrity } from './integrity.js';
import { npmNameOf } from './name.js';
import { tarballOf } from './tarball.js';

/** Members the npm package adds beside the pack's own files. */
export const PACKAGE_JSON = 'package.json';
export const PACK_MEMBER = 'cordum.pack.tgz';
export const SIGNATURE_MEMBER = 'cordum.sigstore.json';
const RESERVED = [PACKAGE_JSON, PACK_MEMBER, SIGNATURE_MEMBER];

/** The `cordum` field of the package.json. */
export interface CordumNpmField {
  format: 1;
  id: string;
  version: string;
  /** Hex SHA-256 of the embedded pack tarball, the digest that was signed. */
  sha256: string;
  key_id: string;
  pack: typeof PACK_MEMBER;
  signature: typeof SIGNATURE_MEMBER;
}

/** The package.json of a pack's npm package. */
export interface NpmManifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  author?: string;
  homepage?: string;
  keywords: string[];
  cordum: CordumNpmField;
}

export interface NpmPackage {
  tgz: Buffer;
  manifest: NpmManifest;
  /** `sha512-<base64>` of `tgz`. */
  integrity: string;
  /** Hex sha1 of `tgz` (npm's legacy `dist.shasum`). */
  shasum: string;
  fileCount: number;
  unpackedSize: number;
}

/** The package.json of a pack's npm package (also each packument version's fields). */
export function npmManifestOf(pack: PackManifest, sha256: string, keyId: string): NpmManifest {
  const { id, version, description, license, author, authors, homepage } = pack.metadata;
  const capabilities = new Set((pack.topics ?? []).flatMap((t) => t.capability ?? []));
  const out: NpmManifest = {
    name: npmNameOf(id),
    version,
    keywords: ['cordum-pack', ...[...capabilities].sort()],
    cordum: { format: 1, id, version, sha256, key_id: keyId, pack: PACK_MEMBER,
      signature: SIGNATURE_MEMBER },
  };
  if (description !== undefined) out.description = description;
  if (license !== undefined) out.license = license;
  const by = author ?? authors?.join(', ');
  if (by !== undefined) out.author = by;
  if (homepage !== undefined) out.homepage = homepage;
  return out;
}

function assertNoReserved(files: PackFiles, id: string): void {
  const clash = RESERVED.filter((name) => files.files.has(name));
  if (clash.length > 0) {
    throw new PackError('npm_package_invalid', `${id}: the pack holds ${clash.join(', ')}, ` +
      'which its npm package needs for itself', { issues: clash.map((file) => ({ file, path: '',
      message: 'rename or remove this file to publish the pack to an npm registry' })) });
  }
}

/**
 * Builds the npm package of a signed pack. The same tarball and bundle
 * always give the same bytes. The signature is not checked here: a
 * registry checked it on publish, and every installer checks it again.
 */
export async function buildNpmPackage(packTgz: Buffer, bundle: unknown): Promise<NpmPackage> {
  const files = await readBundle(packTgz);
  const pack = loadPack(files).manifest;
  assertNoReserved(files, pack.metadata.id);
  const manifest = npmManifestOf(pack, sha256Hex(packTgz), bundleKeyId(bundle));

  const members = new Map(files.files);
  members.set(PACKAGE_JSON, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  members.set(PACK_MEMBER, packTgz);
  members.set(SIGNATURE_MEMBER, Buffer.from(`${JSON.stringify(bundle)}\n`));
  const tgz = await tarballOf(members, 'package');
  let unpackedSize = 0;
  for (const body of members.values()) unpackedSize += body.length;
  return { tgz, manifest, integrity: sha512Integrity(tgz), shasum: sha1Hex(tgz),
    fileCount: members.size, unpackedSize };
}
