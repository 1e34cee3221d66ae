/**
 * The one check that keeps private packs absent. It runs before every read
 * route that names a pack (it is part of `requireRead`) and answers an
 * unknown id and a pack the caller may not see with the same refusal, the
 * one the route itself gives for an id nobody published: same status, code
 * and words, so the answer holds no hint that the pack exists.
 */
import { packIdOfNpmName, NPM_SCOPE } from '../../packs/npm/name.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryState } from '../state.js';
import { rangeOrTag } from './tags.js';
import { findOwnership, maySee } from './visibility.js';

/** Routes whose answer for an unknown pack is `version_not_found`. */
const VERSION_ROUTES = new Set(['', '/manifest', '/tarball', '/bundle', '/yank', '/deprecation',
  '/log/upstream']
  .map((s) => `/v1/packs/:id/versions/:version${s}`));

/** What the guard reads of a request: the matched route and its parameters. */
export interface RouteView {
  state: RegistryState;
  params?: Record<string, string | undefined>;
  query?: Record<string, string | string[] | undefined>;
  _matchedRoute?: string | RegExp;
}

interface Target {
  id: string;
  // Made only when refused: an error's stack costs more than the rest of a cached read.
  refusal: () => RegistryError;
}

const packAbsent = (id: string, page: boolean) => new RegistryError('pack_not_found',
  `no pack ${JSON.stringify(id)} in this registry`, { details: { page } });

/** The pack a matched route names, and the refusal it gives when the pack is absent. */
export function targetOf(ctx: RouteView): Target | undefined {
  const route = String(ctx._matchedRoute ?? '');
  const { id, version, name, file } = ctx.params ?? {};
  if (route.startsWith('/v1/packs/:id') && id !== undefined) {
    // The route checks its range before it looks the pack up: so does the guard.
    if (route === '/v1/packs/:id/resolve') rangeOrTag(ctx.query?.range, id);
    if (VERSION_ROUTES.has(route) && version !== undefined) {
      return { id, refusal: () => new RegistryError('version_not_found',
        `${id}@${version} is not published here`) };
    }
    return { id, refusal: () => packAbsent(id, false) };
  }
  if (route.startsWith('/marketplace/packs/:id') && id !== undefined) {
    return { id, refusal: () => packAbsent(id, !route.includes('/files/')) };
  }
  if (!route.startsWith('/npm/')) return undefined;
  const packId = packIdOfNpmName(name ?? `${NPM_SCOPE}/${id ?? ''}`);
  if (packId === undefined) return undefined;
  if (file !== undefined) {
    return { id: packId, refusal: () => new RegistryError('version_not_found',
      `no npm tarball ${file} for ${packId}`) };
  }
  return { id: packId, refusal: () => packAbsent(packId, false) };
}

/** Whether a refusal came from this guard and belongs on an HTML page. */
export function isPageRefusal(err: RegistryError): boolean {
  return err.code === 'pack_not_found' && err.details.page === true;
}

/**
 * Throws the route's "absent" refusal unless the named pack exists and the
 * caller may see it. `ownership` looks the pack up (the auth layer passes a cached one).
 */
export async function guardPack(deps: RegistryDeps, ctx: RouteView,
  ownership = (id: string) => findOwnership(deps.db, id)): Promise<void> {
  const target = targetOf(ctx);
  if (!target) return;
  const pack = await ownership(target.id);
  if (!pack || !maySee(ctx.state.actor, pack)) throw target.refusal();
}
