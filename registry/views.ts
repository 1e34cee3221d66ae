/**
 * The JSON shapes the API answers with, built from stored records. The
 * types are the client's, so server and client cannot drift apart.
 */
import type { PackDetail, VersionSummary } from '../packs/client/registry.js';
import { highestVersion, latestOf, newestFirst, type LatestFacts } from './latest.js';
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

/** What a pack's views need besides its records: see registry/latest.ts. */
export type PackFacts = Omit<LatestFacts, 'versions'>;

const NO_FACTS: PackFacts = { yanked: new Set() };

/**
 * The record of a pack's latest version (`records` all of one pack), as
 * latestOf decides it; none when every version is yanked.
 */
export function installableLatest(records: VersionRecord[], facts: PackFacts = NO_FACTS)
  : VersionRecord | undefined {
  const latest = latestOf({ versions: records.map((r) => r.version), ...facts });
  return records.find((r) => r.version === latest);
}

/**
 * The record a page opens on (`records` not empty): the latest, or, when
 * every version is yanked, the highest (each still downloads by exact
 * version, so its page still shows).
 */
export function latestRecord(
  records: VersionRecord[],
  yanked: ReadonlySet<string> = new Set(),
  latestTag?: string,
): VersionRecord {
  const highest = highestVersion(records.map((r) => r.version));
  return installableLatest(records, { yanked, latestTag })
    ?? records.find((r) => r.version === highest) ?? records[0]!;
}

/**
 * `GET /v1/packs/{id}` and each entry of `GET /v1/packs`. `latest` is null
 * when every version is yanked: nothing installs by default then.
 */
export function packView(
  baseUrl: string,
  records: VersionRecord[],
  facts: PackFacts = NO_FACTS,
): PackDetail {
  const latest = installableLatest(records, facts);
  // Title and description come from the latest, else from the newest version.
  const shown = latestRecord(records, facts.yanked, facts.latestTag);
  const order = newestFirst(records.map((r) => r.version));
  const sorted = order.map((v) => records.find((r) => r.version === v)!);
  const view: PackDetail = {
    id: shown.packId,
    publisher: shown.publisher,
    latest: latest?.version ?? null,
    versions: sorted.map((r) => versionSummary(baseUrl, r)),
  };
  const { title, description } = shown.manifest.metadata;
  if (title !== undefined) view.title = title;
  if (description !== undefined) view.description = description;
  return view;
}
