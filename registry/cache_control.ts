/**
 * Cache-Control of a version's bytes (tarball, npm tarball): immutable, and
 * `public` (a shared cache, a CDN in front of the registry, may keep it and
 * hand it to anyone) only when anyone may read it anyway: the registry
 * serves reads without a token and the pack is not private. Otherwise
 * `private`, so no shared cache serves an answer that needed a token.
 */
import type { RegistryDeps } from './deps.js';
import { authCachesOf } from './hardening/auth-cache.js';
import { findOwnership } from './tenancy/visibility.js';

const YEAR = 'max-age=31536000, immutable';

export async function versionBytesCacheControl(deps: Pick<RegistryDeps, 'db' | 'anonymousRead'>,
  packId: string): Promise<string> {
  if (!deps.anonymousRead) return `private, ${YEAR}`;
  // The read guard looked the pack up already: its cache answers without a query.
  const pack = await authCachesOf(deps.db).ownership.get(deps.db, packId,
    () => findOwnership(deps.db, packId));
  return pack && !pack.private ? `public, ${YEAR}` : `private, ${YEAR}`;
}
