/** The absolute URLs the registry hands out, built from its public base URL. */
import type { VersionUrls } from '../packs/client/registry.js';

/**
 * `--public-url` of `registry serve`: an absolute http(s) URL with no query,
 * fragment or credentials, returned without trailing slashes. Every URL the
 * registry hands out (catalog, publish answers, npm tarballs) starts with it,
 * so one that is not a base URL would break them all, long after the start.
 */
export function publicUrlOf(text: string, flag = '--public-url'): string {
  const usage = (why: string) => Object.assign(new Error(`${flag} ${JSON.stringify(text)}: ${
    why}; expected a base URL such as https://packs.example.com`), { code: 'usage' });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usage('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`has the scheme ${url.protocol.slice(0, -1)}, not http or https`);
  }
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    throw usage('has a query or fragment, which the paths appended to it would follow');
  }
  if (url.username || url.password) throw usage('holds credentials');
  return text.replace(/\/+$/, '');
}

export function versionPath(id: string, version: string): string {
  return `/v1/packs/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`;
}

export function packUrls(baseUrl: string, id: string, version: string): VersionUrls {
  const base = `${baseUrl.replace(/\/+$/, '')}${versionPath(id, version)}`;
  return { tarball_url: `${base}/tarball`, bundle_url: `${base}/bundle` };
}
