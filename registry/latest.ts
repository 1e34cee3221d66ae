/** Which published version is "latest", and the order versions are listed in. */
import semver from 'semver';

/** Highest first, by semver precedence. */
export function newestFirst(versions: string[]): string[] {
  return [...versions].sort(semver.rcompare);
}

/**
 * The highest release; when a pack has only pre-releases, the highest of
 * those, so a pack never lacks a latest version.
 */
export function latestVersion(versions: string[]): string | undefined {
  const sorted = newestFirst(versions);
  return sorted.find((v) => semver.prerelease(v) === null) ?? sorted[0];
}
