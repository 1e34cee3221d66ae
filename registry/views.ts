/**
 * The JSON shapes the API answers with, built from stored records. The
 * types are the client's, so server and client cannot drift apart.
 */
import type { PackDetail, VersionSummary } from '../packs/client/registry.js';
import { latestVersion, newestFirst } from './latest.js';
import type { VersionRecord } from './store/packs.js';
import { packUrls } from './urls.js';

export function versionSummary(baseUrl: string, v: VersionRecord): VersionSummary {
  return {
    version: v.version,
    sha256: v.sha256,
    key_id: v.keyId,
    size: v.size,
    published_at: v.publishedAt,
    ...packUrls(baseUrl, v.packId, v.version),
  };
}

/** Groups version records by pack id, in id order. */
export function byPack(records: VersionRecord[]): Map<string, VersionRecord[]> {
  const out = new Map<string, VersionRecord[]>();
  for (const r of [...records].sort((a, b) => a.packId.localeCompare(b.packId))) {
    const list = out.get(r.packId) ?? [];
    list.push(r);
    out.set(r.packId, list);
  }
  return out;
}

/**
 * The record of a pack's latest version (`records` all of one pack, not
 * empty): the latest one not yanked, or, when every one is, the latest.
 */
export function latestRecord(
  records: VersionRecord[],
  yanked: ReadonlySet<string> = new Set(),
): VersionRecord {
  const live = records.filter((r) => !yanked.has(r.version));
  const from = live.length > 0 ? live : records;
  const latest = latestVersion(from.map((r) => r.version));
  return from.find((r) => r.version === latest) ?? from[0]!;
}

export function packView(
  baseUrl: string,
  records: VersionRecord[],
  yanked: ReadonlySet<string> = new Set(),
): PackDetail {
  const latest = latestRecord(records, yanked);
  const order = newestFirst(records.map((r) => r.version));
  const sorted = order.map((v) => records.find((r) => r.version === v)!);
  const view: PackDetail = {
    id: latest.packId,
    publisher: latest.publisher,
    latest: latest.version,
    versions: sorted.map((r) => versionSummary(baseUrl, r)),
  };
  const { title, description } = latest.manifest.metadata;
  if (title !== undefined) view.title = title;
  if (description !== undefined) view.description = description;
  return view;
}
