/**
 * The npm packument of a pack (`GET /npm/@cordum-packs/<id>`), from its
 * version records: each version's package.json fields, its npm tarball's
 * URL, `dist.integrity` (sha512) and `dist.shasum`, and yanked versions
 * marked `deprecated` so npm warns and `cordum pack install --from npm:`
 * never resolves to them.
 */
import { npmManifestOf } from '../../packs/npm/package.js';
import { npmNameOf, npmTarballFile } from '../../packs/npm/name.js';
import { latestVersion } from '../latest.js';
import type { VersionRecord } from '../store/packs.js';
import type { NpmTarballRecord } from './store.js';

/** Where a pack's npm tarballs are served, under the registry's base URL. */
export function npmTarballUrl(baseUrl: string, id: string, version: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/npm/${npmNameOf(id)}/-/${npmTarballFile(id, version)}`;
}

export interface PackumentInput {
  baseUrl: string;
  /** Every version of one pack, not empty. */
  records: VersionRecord[];
  tarballs: Map<string, NpmTarballRecord>;
  /** Yanked versions and why. */
  yanked: Map<string, string | null>;
}

function versionDoc(input: PackumentInput, r: VersionRecord) {
  const t = input.tarballs.get(r.version)!;
  const name = npmNameOf(r.packId);
  const doc: Record<string, unknown> = {
    ...npmManifestOf(r.manifest, r.sha256, r.keyId),
    _id: `${name}@${r.version}`,
    dist: { tarball: npmTarballUrl(input.baseUrl, r.packId, r.version), integrity: t.integrity,
      shasum: t.shasum, fileCount: t.fileCount, unpackedSize: t.unpackedSize },
  };
  if (input.yanked.has(r.version)) {
    doc.deprecated = `yanked from the Cordum registry${
      input.yanked.get(r.version) ? `: ${input.yanked.get(r.version)}` : ''}`;
  }
  return doc;
}

export function buildPackument(input: PackumentInput): Record<string, unknown> {
  const { records } = input;
  const id = records[0]!.packId;
  const name = npmNameOf(id);
  const live = records.filter((r) => !input.yanked.has(r.version)).map((r) => r.version);
  const latest = latestVersion(live.length > 0 ? live : records.map((r) => r.version))!;
  const latestRecord = records.find((r) => r.version === latest)!;
  const times = records.map((r) => r.publishedAt).sort();

  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = { created: times[0]!, modified: times[times.length - 1]! };
  for (const r of records) {
    versions[r.version] = versionDoc(input, r);
    time[r.version] = r.publishedAt;
  }
  const doc: Record<string, unknown> = { _id: name, name, 'dist-tags': { latest }, versions,
    time };
  const description = latestRecord.manifest.metadata.description;
  if (description !== undefined) doc.description = description;
  return doc;
}
