/** The absolute URLs the registry hands out, built from its public base URL. */
import type { VersionUrls } from '../packs/client/registry.js';

export function versionPath(id: string, version: string): string {
  return `/v1/packs/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`;
}

export function packUrls(baseUrl: string, id: string, version: string): VersionUrls {
  const base = `${baseUrl.replace(/\/+$/, '')}${versionPath(id, version)}`;
  return { tarball_url: `${base}/tarball`, bundle_url: `${base}/bundle` };
}
