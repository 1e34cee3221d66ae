/**
 * The npm registry read protocol for packs, under `/npm/`: a packument at
 * `/npm/@cordum-packs%2f<id>` (as npm asks) and `/npm/@cordum-packs/<id>`,
 * and tarballs at `/npm/@cordum-packs/<id>/-/<id>-<version>.tgz`. So
 * `npm view`, `npm pack` and a Verdaccio uplink read packs from here, with
 * the same tokens as `/v1` (`//host/npm/:_authToken=...` in an .npmrc).
 */
import { packIdOfNpmName, NPM_SCOPE } from '../../packs/npm/name.js';
import { requireRead } from '../auth.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import { buildPackument } from '../npm/packument.js';
import { npmTarballsOf, packumentFactsOf } from '../npm/store.js';
import { ensureNpmTarball, npmTarballBytes } from '../npm/tarballs.js';
import type { RegistryContext } from '../state.js';
import { findVersion, type VersionRecord } from '../store/packs.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';
import { versionBytesCacheControl } from '../cache_control.js';
import { cachedRead, loadOncePerGeneration, ReadCache } from '../hardening/read-cache.js';
import type { NpmTarballRecord } from '../npm/store.js';

function packIdOf(name: string): string {
  const id = packIdOfNpmName(name);
  if (id !== undefined) return id;
  const prefix = `${NPM_SCOPE}/`;
  // A name in our scope is refused for its id, not for its scope.
  const detail = name.startsWith(prefix)
    ? `"${name.slice(prefix.length)}" is not a valid pack id ` +
      '(lower-case letters, digits and hyphens)'
    : `this registry serves only ${NPM_SCOPE}/*`;
  throw new RegistryError('pack_not_found', `${name}: ${detail}`);
}

async function packument(deps: RegistryDeps, ctx: RegistryContext, id: string) {
  ctx.state.packId = id;
  const records = await versionsOf(deps.db, id);
  const known = await npmTarballsOf(deps.db, id);
  for (const r of records) {
    known.set(r.version, await ensureNpmTarball(deps, r, known.get(r.version)));
  }
  ctx.type = 'application/json';
  ctx.body = buildPackument({ baseUrl: deps.baseUrl, records, tarballs: known,
    ...(await packumentFactsOf(deps.db, id)) });
}

/** `<id>-<version>.tgz` → the version record, or 404. */
async function versionOfFile(deps: RegistryDeps, id: string, file: string)
  : Promise<VersionRecord> {
  const prefix = `${id}-`;
  const version = file.startsWith(prefix) && file.endsWith('.tgz')
    ? file.slice(prefix.length, -'.tgz'.length) : '';
  const record = version === '' ? undefined : await findVersion(deps.db, id, version);
  if (!record) throw new RegistryError('version_not_found', `no npm tarball ${file} for ${id}`);
  return record;
}

/** A version and its npm tarball's record, as one tarball request needs them. */
async function tarballOf(deps: RegistryDeps, id: string, file: string)
  : Promise<[VersionRecord, NpmTarballRecord]> {
  const record = await versionOfFile(deps, id, file);
  const known = (await npmTarballsOf(deps.db, id)).get(record.version);
  return [record, await ensureNpmTarball(deps, record, known)];
}

export const npmRoutes: RouteGroup = (router, deps) => {
  router.get('/npm/-/ping', (ctx) => {
    ctx.body = {};
  });

  // Packuments reused while nothing was written (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get(`/npm/${NPM_SCOPE}/:id`, requireRead(deps), cached, async (ctx) => {
    await packument(deps, ctx, packIdOf(`${NPM_SCOPE}/${param(ctx, 'id')}`));
  });

  // npm asks for a scoped name with its slash escaped: `@cordum-packs%2fhello-pack`.
  router.get('/npm/:name', requireRead(deps), cached, async (ctx) => {
    await packument(deps, ctx, packIdOf(param(ctx, 'name')));
  });

  // Another scope's name, slash unescaped: refused as its `%2f` form is; other paths
  // (`/npm/-/whoami`) stay no route. Not `:id` or `:name`: the read guard looks those up.
  const scoped = (ctx: RegistryContext, next: () => Promise<unknown>) =>
    param(ctx, 'scope').startsWith('@') ? next() : undefined;
  router.get('/npm/:scope/:pkg', scoped, requireRead(deps), async (ctx) => {
    packIdOf(`${param(ctx, 'scope')}/${param(ctx, 'pkg')}`);
  });

  const tarballs = new Map<string, [string, [VersionRecord, NpmTarballRecord]]>();
  router.get(`/npm/${NPM_SCOPE}/:id/-/:file`, requireRead(deps), async (ctx) => {
    const id = packIdOf(`${NPM_SCOPE}/${param(ctx, 'id')}`);
    const file = param(ctx, 'file');
    const [record, tarball] = await loadOncePerGeneration(deps.db, tarballs, `${id}/${file}`,
      () => tarballOf(deps, id, file));
    ctx.state.packId = id;
    ctx.state.version = record.version;
    ctx.set('ETag', `"sha256:${tarball.sha256}"`);
    ctx.set('Cache-Control', await versionBytesCacheControl(deps, id));
    ctx.type = 'application/octet-stream';
    ctx.body = await npmTarballBytes(deps, record, tarball);
  });
};
