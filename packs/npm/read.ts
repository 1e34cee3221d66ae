/**
 * Reads a pack's npm package (see package.ts) with every bundle safety
 * check, and takes out the signed pack tarball, its sigstore bundle and
 * the `cordum` field. Nothing here trusts the package: the caller checks
 * the tarball's digest and signature.
 */
import { readBundle } from '../bundle/read.js';
import { withLimits, type BundleLimits } from '../bundle/limits.js';
import { parseJson } from '../documents.js';
import { PackError } from '../errors.js';
import {
  ADDED_MEMBERS, PACK_MEMBER, PACKAGE_JSON, SIGNATURE_MEMBER, type CordumNpmField,
} from './package.js';
import { isSha256Hex } from '../digest.js';

export interface NpmPackageContents {
  packageJson: Record<string, unknown>;
  cordum: CordumNpmField;
  /** The signed pack tarball, as published. */
  packTgz: Buffer;
  /** The sigstore bundle (parsed JSON). */
  bundle: unknown;
  /** The sigstore bundle's bytes as they are in the package. */
  bundleBytes: Buffer;
}

function invalid(where: string, message: string): PackError {
  return new PackError('npm_package_invalid', `${where}: ${message}`);
}

/** Checks the `cordum` field of a package.json or packument version. */
export function cordumFieldOf(doc: Record<string, unknown>, where: string): CordumNpmField {
  const field = doc.cordum;
  if (!field || typeof field !== 'object' || Array.isArray(field)) {
    throw invalid(where, 'has no `cordum` field: not a Cordum pack published as an npm package');
  }
  const f = field as Record<string, unknown>;
  for (const name of ['id', 'version', 'sha256', 'key_id'] as const) {
    if (typeof f[name] !== 'string' || f[name] === '') {
      throw invalid(where, `cordum.${name} must be a non-empty string`);
    }
  }
  if (f.format !== 1) throw invalid(where, `cordum.format ${String(f.format)} is not supported`);
  if (!isSha256Hex(String(f.sha256))) {
    throw invalid(where, 'cordum.sha256 must be 64 hex digits');
  }
  return { format: 1, id: String(f.id), version: String(f.version), sha256: String(f.sha256),
    key_id: String(f.key_id), pack: PACK_MEMBER, signature: SIGNATURE_MEMBER };
}

const MiB = 1024 * 1024;
/** Room for package.json and the sigstore bundle, both a few KiB in practice. */
const WRAPPING_BYTES = 4 * MiB;

/**
 * The limits of the npm package of a pack within `pack` limits: the npm
 * package holds the pack's files, plus package.json, the sigstore bundle
 * and the signed tarball itself (one file as large as the pack's upload
 * limit, stored as it is since it is compressed already). Compressed, it
 * is about twice the pack's tarball; a quarter more allows for a pack
 * compressed better than our gzip -9 does. The ratio needs no room: the
 * embedded tarball only lowers it. The pack inside is still read with the
 * pack limits themselves when it is installed.
 */
export function npmPackageLimits(pack: Partial<BundleLimits> = {}): BundleLimits {
  const p = withLimits(pack);
  return {
    maxUploadBytes: 2 * p.maxUploadBytes + Math.ceil(p.maxUploadBytes / 4) + WRAPPING_BYTES,
    maxFiles: p.maxFiles + ADDED_MEMBERS.length,
    maxFileBytes: Math.max(p.maxFileBytes, p.maxUploadBytes, WRAPPING_BYTES),
    maxTotalBytes: p.maxTotalBytes + p.maxUploadBytes + WRAPPING_BYTES,
    maxRatio: p.maxRatio,
  };
}

/**
 * Reads the npm package of a pack that keeps within `packLimits` (the
 * gateway's limits by default), allowing what the npm wrapping adds.
 */
export async function readNpmPackage(npmTgz: Buffer, where: string,
  packLimits?: Partial<BundleLimits>): Promise<NpmPackageContents> {
  // The package's folder holds pack.yaml, so readBundle finds its root.
  const { files } = await readBundle(npmTgz, npmPackageLimits(packLimits));
  const member = (name: string) => {
    const body = files.get(name);
    if (body === undefined) throw invalid(where, `the package has no ${name}`);
    return body;
  };
  const packageJson = parseJson(member(PACKAGE_JSON).toString('utf8'), `${where}: ${PACKAGE_JSON}`);
  if (!packageJson || typeof packageJson !== 'object' || Array.isArray(packageJson)) {
    throw invalid(where, `${PACKAGE_JSON} is not an object`);
  }
  const cordum = cordumFieldOf(packageJson as Record<string, unknown>, `${where}: ${PACKAGE_JSON}`);
  const packTgz = member(PACK_MEMBER);
  if (!files.has(SIGNATURE_MEMBER)) {
    throw new PackError('signature_missing', `${where}: the package has no ${SIGNATURE_MEMBER}`);
  }
  const bundleBytes = member(SIGNATURE_MEMBER);
  const bundle = parseJson(bundleBytes.toString('utf8'), `${where}: ${SIGNATURE_MEMBER}`);
  return { packageJson: packageJson as Record<string, unknown>, cordum, packTgz, bundle,
    bundleBytes };
}
