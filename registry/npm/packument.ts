/**
 * The npm packument of a pack (`GET /npm/@cordum-packs/<id>`), from its
 * version records: each version's package.json fields, its npm tarball's
 * URL, `dist.integrity` (sha512) and `dist.shasum`. Its dist-tags are the
 * ones `/v1` lists (registry/latest.ts), so npm installs what resolve
 * answers; a deprecated version carries its message in `deprecated`, and a
 * yanked one the yank notice, so npm warns and `cordum pack install
 * --from npm:` never resolves to it.
 */
import { npmManifestOf, yankNotice } from '../../packs/npm/package.js';
import { npmNameOf, npmTarballFile } from '../../packs/npm/name.js';
import { liveDistTags } from '../latest.js';
import type { VersionRecord } from '../store/packs.js';
import { latestRecord } from '../views.js';
import type { NpmTarballRecord } from './store.js';

/** Where a pack's npm tarballs are served, under the registry's base URL. */
export function npmTarballUrl(baseUrl: string, id: string, version: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/npm/${npmNameOf(id)}/-/${npmTarballFile(id, version)}`;
}

/** What the packument needs of the database besides the records (packumentFactsOf). */
export interface PackumentFacts {
  /** Yanked versions and why. */
  yanked: Map<string, string | null>;
  /** The stored dist-tags (registry/tenancy/tags.ts); none when absent. */
  tags?: Record<string, string>;
  /** Deprecated versions and their messages; none when absent. */
  deprecated?: Map<string, string>;
}

export interface PackumentInput extends PackumentFacts {
  baseUrl: string;
  /** Every version of one pack, not empty. */
  records: VersionRecord[];
  tarballs: Map<string, NpmTarballRecord>;
}

/** A yank outranks a deprecation: npm shows one message, and a yank is the stronger. */
function deprecationOf(input: PackumentInput, version: string): string | undefined {
  if (input.yanked.has(version)) return yankNotice(input.yanked.get(version) ?? null);
  return input.deprecated?.get(version);
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
  const deprecated = deprecationOf(input, r.version);
  if (deprecated !== undefined) doc.deprecated = deprecated;
  return doc;
}

/**
 * The packument. Without an installable version it has no `latest`
 * dist-tag, so npm has no default to offer.
 */
export function buildPackument(input: PackumentInput): Record<string, unknown> {
  const { records } = input;
  const id = records[0]!.packId;
  const name = npmNameOf(id);
  const yanked = new Set(input.yanked.keys());
  const distTags = liveDistTags({ versions: records.map((r) => r.version), yanked },
    input.tags ?? {});
  const shown = latestRecord(records, yanked, distTags.latest);
  const times = records.map((r) => r.publishedAt).sort();

  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = { created: times[0]!, modified: times[times.length - 1]! };
  for (const r of records) {
    versions[r.version] = versionDoc(input, r);
    time[r.version] = r.publishedAt;
  }
  const doc: Record<string, unknown> = { _id: name, name, 'dist-tags': distTags, versions, time };
  const description = shown.manifest.metadata.description;
  if (description !== undefined) doc.description = description;
  return doc;
}
