/**
 * What the marketplace routes share: the registry's seams, the digest-named
 * assets and the cache of loaded pack details; and the wrapper that turns
 * a page handler's result, or its failure, into an HTML answer.
 */
import type Koa from 'koa';
import type { RegistryDeps } from '../deps.js';
import { problemOf } from '../problem.js';
import type { RegistryContext, RegistryState } from '../state.js';
import type { VersionRecord } from '../store/packs.js';
import { buildAssets, type Assets } from './assets.js';
import type { SafeHtml } from './html.js';
import { renderPage, themeOf, type Page, type PageContext } from './layout.js';
import { DetailsCache } from './pack/cache.js';
import { loadDetails, type PackDetails } from './pack/details.js';
import { errorMain } from './pages/others.js';
import { FacetsCache } from './search/facets.js';
import { sendHtml } from './respond.js';
import { cookieOf, viewerOf } from './session.js';

export interface Site {
  deps: RegistryDeps;
  assets: Assets;
  cache: DetailsCache;
  facets: FacetsCache;
}

export function createSite(deps: RegistryDeps): Site {
  return { deps, assets: buildAssets(), cache: new DetailsCache(deps.clock),
    facets: new FacetsCache() };
}

/** The loaded details of a stored version, from the cache when there. */
export function detailsOf(site: Site, record: VersionRecord): Promise<PackDetails> {
  return site.cache.get(record.sha256, () => loadDetails(site.deps, record));
}

export function pageContext(site: Site, ctx: RegistryContext): PageContext {
  return {
    assets: site.assets,
    viewer: viewerOf(ctx),
    theme: themeOf(cookieOf(ctx, 'cordum_theme')),
    here: ctx.originalUrl,
  };
}

/** A full page, only a fragment of one (for `?partial=`), or a 303 to another page. */
export type Rendered =
  | { page: Page; status?: number }
  | { fragment: SafeHtml }
  | { redirect: string };

/** Runs a page handler; a refusal or failure becomes an HTML error page. */
export function htmlRoute(site: Site, handler: (ctx: RegistryContext) => Promise<Rendered>):
  Koa.Middleware<RegistryState> {
  return async (koaCtx) => {
    const ctx = koaCtx as RegistryContext;
    let rendered: Rendered;
    try {
      if (ctx.state.refusal) throw ctx.state.refusal;
      rendered = await handler(ctx);
    } catch (err) {
      const known = problemOf(err);
      if (!known) {
        site.deps.log.error('marketplace page failed', {
          request_id: ctx.state.requestId,
          path: ctx.path,
          error: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack : undefined,
        });
      }
      const status = known?.status ?? 500;
      const title = known?.title ?? 'Something went wrong';
      const detail = known?.detail ?? 'The registry failed to build this page; see its log.';
      rendered = { page: { title, main: errorMain(status, title, detail), headerSearch: true },
        status };
    }
    if ('redirect' in rendered) {
      ctx.redirect(rendered.redirect);
      ctx.status = 303;
      return;
    }
    if ('fragment' in rendered) {
      sendHtml(ctx, rendered.fragment);
      return;
    }
    sendHtml(ctx, renderPage(pageContext(site, ctx), rendered.page), rendered.status);
  };
}
