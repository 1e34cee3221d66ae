/**
 * Marketplace sign-in and sign-out, its assets (public: they hold no pack
 * data), and `/` sending a browser to the marketplace.
 */
import { readBody } from '../body.js';
import type { Site } from '../marketplace/site.js';
import { htmlRoute } from '../marketplace/site.js';
import { ASSET_PREFIX } from '../marketplace/assets.js';
import { loginMain } from '../marketplace/pages/others.js';
import { sendAsset } from '../marketplace/respond.js';
import {
  assertSameOrigin, checkRead, clearTokenCookie, safeNext, setTokenCookie,
} from '../marketplace/session.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext, RegistryRouter } from '../state.js';

const FORM_BYTES = 8 * 1024;

async function readForm(ctx: RegistryContext): Promise<URLSearchParams> {
  const type = ctx.get('Content-Type');
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new RegistryError('unsupported_media_type',
      `expected application/x-www-form-urlencoded, got ${type}`);
  }
  return new URLSearchParams((await readBody(ctx.req, FORM_BYTES, 'the form')).toString('utf8'));
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function mountMarketplaceSession(router: RegistryRouter, site: Site): void {
  const { deps } = site;

  router.get('/', async (ctx, next) => {
    // Only a browser asking for a page; API clients keep the usual 404.
    if (ctx.accepts('application/json', 'text/html') !== 'text/html') return next();
    ctx.redirect('/marketplace/');
  });

  router.get(`${ASSET_PREFIX}:name`, async (ctx) => {
    const asset = site.assets.byName.get(ctx.params.name ?? '');
    if (!asset) throw new RegistryError('not_found', `no asset ${ctx.params.name}`);
    sendAsset(ctx, asset);
  });

  router.get('/marketplace/login', htmlRoute(site, async (ctx) => {
    const next = safeNext(first(ctx.query.next));
    const message = first(ctx.query.expired) === '1'
      ? 'Your token is no longer valid; sign in again.' : undefined;
    return { page: { title: 'Sign in', main: loginMain(next, message) } };
  }));

  router.post('/marketplace/login', htmlRoute(site, async (ctx) => {
    assertSameOrigin(ctx);
    const form = await readForm(ctx);
    const next = safeNext(form.get('next') ?? undefined);
    const token = (form.get('token') ?? '').trim();
    const refused = await checkRead(deps, ctx, token);
    if (refused) {
      return { status: 401, page: { title: 'Sign in',
        main: loginMain(next, `That token was refused: ${refused.message}.`) } };
    }
    setTokenCookie(deps, ctx, token);
    deps.log.info('marketplace sign-in', { request_id: ctx.state.requestId,
      publisher: ctx.state.actor?.publisher });
    return { redirect: next };
  }));

  router.post('/marketplace/logout', async (ctx) => {
    assertSameOrigin(ctx);
    clearTokenCookie(deps, ctx);
    ctx.redirect('/marketplace/');
    ctx.status = 303;
  });
}
