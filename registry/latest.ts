/**
 * Which published version is "latest", what each dist-tag names, and the
 * order versions are listed in. Every view of a pack (its listing, its
 * detail, the catalog, resolve, the dist-tags route, the npm packument)
 * asks these functions, so no two of them can name different versions.
 */
import semver from 'semver';
import type { Queryable } from '../storage/database.js';

/** Highest first, by semver precedence. */
export function newestFirst(versions: string[]): string[] {
  return [...versions].sort(semver.rcompare);
}

/**
 * The highest release; when there are only pre-releases, the highest of
 * those, so a pack of pre-releases alone still has a latest version.
 */
export function highestVersion(versions: string[]): string | undefined {
  const sorted = newestFirst(versions);
  return sorted.find((v) => semver.prerelease(v) === null) ?? sorted[0];
}

/** What decides a pack's latest version. */
export interface LatestFacts {
  /** Every published version of the pack. */
  versions: string[];
  yanked: ReadonlySet<string>;
  /** The version the `latest` dist-tag names, when a maintainer set one. */
  latestTag?: string | undefined;
}

/**
 * The pack's latest version: the `latest` dist-tag when one is set and
 * its version is not yanked, else the highest version not yanked (a
 * release before any pre-release). None when every version is yanked, so
 * no client installs a yanked version without naming it.
 */
export function latestOf(facts: LatestFacts): string | undefined {
  const { latestTag, yanked } = facts;
  if (latestTag !== undefined && facts.versions.includes(latestTag) && !yanked.has(latestTag)) {
    return latestTag;
  }
  return highestVersion(facts.versions.filter((v) => !yanked.has(v)));
}

/**
 * The dist-tags a client may install from: each stored tag whose version
 * is published and not yanked, and `latest` as latestOf decides it (left
 * out when every version is yanked).
 */
export function liveDistTags(facts: Omit<LatestFacts, 'latestTag'>,
  stored: Readonly<Record<string, string>>): Record<string, string> {
  const published = new Set(facts.versions);
  const live = Object.entries(stored).filter(([tag, version]) => tag !== 'latest'
    && published.has(version) && !facts.yanked.has(version));
  const latest = latestOf({ ...facts, latestTag: stored.latest });
  return Object.fromEntries([...(latest === undefined ? [] : [['latest', latest]]), ...live]);
}

/**
 * The version the `latest` dist-tag names, for every pack that has one.
 * One read for listings of many packs; a single pack's tags come from
 * `distTags` (registry/tenancy/tags.ts).
 */
export async function latestTagsByPack(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ pack_id: string; version: string }>(
    "SELECT pack_id, version FROM registry_dist_tags WHERE tag = 'latest'");
  return new Map(rows.map((r) => [r.pack_id, r.version]));
}
