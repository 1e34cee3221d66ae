/**
 * Dist-tags: `GET /v1/packs/:id/dist-tags` → `{ id, tags }`: the tags a
 * client may install from (registry/latest.ts liveDistTags: `latest` as
 * every view names it, no tag of a yanked version); `PUT
 * /v1/packs/:id/dist-tags/:tag` (`{ version }`) and `DELETE` for the
 * pack's maintainers. `?range=<tag>` on resolve picks the tagged version.
 */
import { valid } from 'semver';
import { actorFrom, requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import { RegistryError } from '../errors.js';
import { liveDistTags } from '../latest.js';
import { findVersion } from '../store/packs.js';
import { yankedVersions } from '../store/yanks.js';
import { assertRole } from '../tenancy/roles.js';
import { assertTag, deleteDistTag, distTags, setDistTag } from '../tenancy/tags.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';
import { seenPack } from './publishers.js';

export const distTagRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/packs/:id/dist-tags', requireRead(deps), async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const records = await versionsOf(deps.db, id);
    const yanked = await yankedVersions(deps.db, id);
    const tags = liveDistTags({ versions: records.map((r) => r.version), yanked },
      await distTags(deps.db, id));
    ctx.body = { id, tags };
  });

  router.put('/v1/packs/:id/dist-tags/:tag', requireScope(deps, 'publish'), async (ctx) => {
    const id = param(ctx, 'id');
    const tag = param(ctx, 'tag');
    ctx.state.packId = id;
    const pack = await seenPack(deps, ctx, id);
    assertRole(actorFrom(ctx), pack.publisher, 'maintainer');
    assertTag(tag);
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['version']);
    // A tag names one version: a range (`^1`) or a tag here is a mistake, not an absent version.
    if (typeof body.version !== 'string' || valid(body.version) !== body.version) {
      throw new RegistryError('request_invalid', '`version` must be one version such as ' +
        `1.2.3, not ${JSON.stringify(body.version ?? null)}`);
    }
    if (!(await findVersion(deps.db, id, body.version))) {
      throw new RegistryError('version_not_found', `${id}@${body.version} is not published here`);
    }
    await setDistTag(deps.db, id, tag, body.version, deps.clock.now());
    deps.log.info('dist-tag set', { request_id: ctx.state.requestId, pack_id: id, tag,
      version: body.version });
    ctx.body = { id, tag, version: body.version };
  });

  router.delete('/v1/packs/:id/dist-tags/:tag', requireScope(deps, 'publish'), async (ctx) => {
    const id = param(ctx, 'id');
    const tag = param(ctx, 'tag');
    const pack = await seenPack(deps, ctx, id);
    assertRole(actorFrom(ctx), pack.publisher, 'maintainer');
    if (!(await deleteDistTag(deps.db, id, tag))) {
      throw new RegistryError('not_found', `${id} has no dist-tag ${tag}`);
    }
    ctx.status = 204;
  });
};
