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
export const ADDED_MEMBERS = [PACKAGE_JSON, PACK_MEMBER, SIGNATURE_MEMBER] as const;

/**
 * How a packument marks a version yanked from a Cordum registry: npm shows
 * `deprecated` as a warning, and `--from npm:` installs never pick such a
 * version for a range or tag. A deprecation that is not a yank carries
 * only the publisher's message, and such a version still installs.
 */
const YANKED = 'yanked from the Cordum registry';

export function yankNotice(reason: string | null): string {
  return reason ? `${YANKED}: ${reason}` : YANKED;
}

/** The reason of a yank notice (null when none was given); undefined when it is no yank. */
export function yankReasonOf(deprecated: unknown): string | null | undefined {
  if (deprecated === YANKED) return null;
  if (typeof deprecated !== 'string' || !deprecated.startsWith(`${YANKED}: `)) return undefined;
  return deprecated.slice(YANKED.length + 2);
}

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
  /** Pack files left out of the unpacked copy (unpackedMembers); the signed tarball has them. */
  omitted: string[];
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

/**
 * Whether a pack file would collide with a member the npm package adds:
 * same top-level name once folded (`Package.json`), or a folder of that
 * name (`package.json/x`). readBundle folds names as a case-insensitive,
 * normalising disk does (NFC, lower case), so such a package could not be
 * read back; this folds the same way.
 */
function clashesWithAdded(file: string): boolean {
  const top = file.split('/')[0]!.normalize('NFC').toLowerCase();
  return ADDED_MEMBERS.some((name) => name === top);
}

/**
 * The pack's files as the npm package shows them unpacked. A file that
 * clashes with an added member is left out of this copy, so every pack a
 * registry accepts has an npm package that installs; it is still in the
 * signed tarball, which is all an install uses.
 */
export function unpackedMembers(files: PackFiles): { members: Map<string, Buffer>;
  omitted: string[] } {
  const members = new Map<string, Buffer>();
  const omitted: string[] = [];
  for (const [name, body] of files.files) {
    if (clashesWithAdded(name)) omitted.push(name);
    else members.set(name, body);
  }
  return { members, omitted: omitted.sort() };
}

/**
 * Builds the npm package of a signed pack. The same tarball and bundle
 * always give the same bytes. The signature is not checked here: a
 * registry checked it on publish, and every installer checks it again.
 */
export async function buildNpmPackage(packTgz: Buffer, bundle: unknown): Promise<NpmPackage> {
  const files = await readBundle(packTgz);
  const pack = loadPack(files).manifest;
  const manifest = npmManifestOf(pack, sha256Hex(packTgz), bundleKeyId(bundle));

  const { members, omitted } = unpackedMembers(files);
  members.set(PACKAGE_JSON, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  members.set(PACK_MEMBER, packTgz);
  members.set(SIGNATURE_MEMBER, Buffer.from(`${JSON.stringify(bundle)}\n`));
  const tgz = await tarballOf(members, 'package');
  let unpackedSize = 0;
  for (const body of members.values()) unpackedSize += body.length;
  return { tgz, manifest, integrity: sha512Integrity(tgz), shasum: sha1Hex(tgz),
    fileCount: members.size, unpackedSize, omitted };
}
