/**
 * `POST /v1/packs`: publish a signed pack. Parsing, checks and storing are
 * three stages in `publish/`; this route only strings them together.
 */
import { actorFrom, requireScope } from '../auth.js';
import { checkPublish } from '../publish/checks.js';
import { commitPublish } from '../publish/commit.js';
import { readPublishForm } from '../publish/multipart.js';
import { packUrls } from '../urls.js';
import type { RouteGroup } from './index.js';

export const publishRoutes: RouteGroup = (router, deps) => {
  router.post('/v1/packs', requireScope(deps, 'publish'), async (ctx) => {
    const form = await readPublishForm(ctx.req, deps.uploadLimits);
    const checked = await checkPublish(deps, form, actorFrom(ctx));
    ctx.state.packId = checked.packId;
    ctx.state.version = checked.version;

    await commitPublish(deps, checked);
    deps.log.info('pack published', {
      request_id: ctx.state.requestId,
      pack_id: checked.packId,
      version: checked.version,
      sha256: checked.sha256,
      key_id: checked.keyId,
      publisher: checked.owner,
    });

    ctx.status = 201;
    ctx.body = {
      id: checked.packId,
      version: checked.version,
      sha256: checked.sha256,
      key_id: checked.keyId,
      ...packUrls(deps.baseUrl, checked.packId, checked.version),
    };
  });
};
