/** `GET /v1/packs/:id/resolve?range=R`: the highest version in a semver range. */
import { assertRange, resolveRange } from '../../packs/resolve.js';
import { requireRead } from '../auth.js';
import { RegistryError } from '../errors.js';
import { packUrls } from '../urls.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';
import { cachedRead, ReadCache } from '../hardening/read-cache.js';

export const resolveRoutes: RouteGroup = (router, deps) => {
  // Answers reused while the log's size is unchanged (hardening/read-cache.ts).
  const cached = cachedRead(deps.db, new ReadCache());
  router.get('/v1/packs/:id/resolve', requireRead(deps), cached, async (ctx) => {
    const id = param(ctx, 'id');
    const query = ctx.query.range;
    if (Array.isArray(query)) {
      throw new RegistryError('request_invalid', 'give `range` once');
    }
    const range = query === undefined || query === '' ? '*' : query;
    ctx.state.packId = id;
    assertRange(range, `range for ${id}`);

    const records = await versionsOf(deps.db, id);
    const version = resolveRange(records.map((r) => r.version), range, id);
    const chosen = records.find((r) => r.version === version)!;
    ctx.state.version = version;
    ctx.body = {
      id,
      version,
      sha256: chosen.sha256,
      key_id: chosen.keyId,
      ...packUrls(deps.baseUrl, id, version),
    };
  });
};
