/**
 * The npm package of a published version, made from the stored pack
 * tarball and signature bundle on first read (packs/npm/package.ts), then
 * kept: its bytes in the blob store, its digests in the database. A blob
 * that went missing is made again and must hash to the recorded digest.
 */
import { buildNpmPackage } from '../../packs/npm/package.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import { findBundle, type VersionRecord } from '../store/packs.js';
import { recordNpmTarball, type NpmTarballRecord } from './store.js';

async function make(deps: RegistryDeps, v: VersionRecord) {
  const packTgz = await deps.blobs.get(v.sha256);
  const bundle = await findBundle(deps.db, v.packId, v.version);
  return buildNpmPackage(packTgz, bundle);
}

/** The recorded npm tarball of `v`, making and recording it when there is none. */
export async function ensureNpmTarball(deps: RegistryDeps, v: VersionRecord,
  known?: NpmTarballRecord): Promise<NpmTarballRecord> {
  if (known) return known;
  const pkg = await make(deps, v);
  const { sha256 } = await deps.blobs.put(pkg.tgz);
  return recordNpmTarball(deps.db, { packId: v.packId, version: v.version, sha256,
    integrity: pkg.integrity, shasum: pkg.shasum, size: pkg.tgz.length,
    fileCount: pkg.fileCount, unpackedSize: pkg.unpackedSize }, deps.clock.now());
}

/** The npm tarball's bytes, exactly those whose digests were recorded. */
export async function npmTarballBytes(deps: RegistryDeps, v: VersionRecord,
  t: NpmTarballRecord): Promise<Buffer> {
  if (await deps.blobs.has(t.sha256)) return deps.blobs.get(t.sha256);
  const pkg = await make(deps, v);
  if (pkg.integrity !== t.integrity) {
    throw new RegistryError('blob_missing', `the npm tarball of ${v.packId}@${v.version} is ` +
      'gone and cannot be made again with the same bytes');
  }
  await deps.blobs.put(pkg.tgz);
  return pkg.tgz;
}
