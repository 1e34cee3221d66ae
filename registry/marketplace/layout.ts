/**
 * The page shell every marketplace page shares: skip link, header with
 * search and sign-in state, the main landmark, a live region for
 * announcements, and the theme the reader chose (a cookie, so the first
 * paint is already right).
 */
import type { Assets } from './assets.js';
import { attr, html, type SafeHtml } from './html.js';
import type { Viewer } from './session.js';

export type Theme = 'auto' | 'light' | 'dark';

export interface PageContext {
  assets: Assets;
  viewer: Viewer;
  theme: Theme;
  /** The path and query of this page, for the sign-in link's `next`. */
  here: string;
}

export interface Page {
  title: string;
  description?: string;
  main: SafeHtml;
  /** Show the search box in the header (every page but home, which has its own). */
  headerSearch?: boolean;
  query?: string;
}

export function themeOf(cookie: string | undefined): Theme {
  return cookie === 'light' || cookie === 'dark' ? cookie : 'auto';
}

function account(ctx: PageContext): SafeHtml {
  if (ctx.viewer.signedIn) {
    return html`<li><form method="post" action="/marketplace/logout">
<button class="link" type="submit">Sign out${ctx.viewer.publisher
      ? ` (${ctx.viewer.publisher})` : ''}</button></form></li>`;
  }
  const login = `/marketplace/login?next=${encodeURIComponent(ctx.here)}`;
  return ctx.viewer.anonymous ? html`<li><a href="${login}">Sign in</a></li>` : html``;
}

function headerSearch(page: Page): SafeHtml {
  if (!page.headerSearch) return html``;
  return html`<form role="search" method="get" action="/marketplace/" class="header-search">
<label class="sr-only" for="header-q">Search packs</label>
<input id="header-q" type="search" name="q" placeholder="Search packs" value="${page.query ?? ''}"
 autocomplete="off"></form>`;
}

export function renderPage(ctx: PageContext, page: Page): SafeHtml {
  const theme = ctx.theme === 'auto' ? undefined : ctx.theme;
  return html`<!doctype html>
<html lang="en"${attr('data-theme', theme)}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Cordum packs</title>
${page.description ? html`<meta name="description" content="${page.description}">` : ''}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ctx.assets.cssPath}">
<script src="${ctx.assets.jsPath}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="bar">
<a class="brand" href="/marketplace/">Cordum packs</a>
${headerSearch(page)}
<nav aria-label="Site"><ul>
<li><a href="/marketplace/">Browse</a></li>
<li><a href="/marketplace/collections">Collections</a></li>
${account(ctx)}
<li><button id="theme-toggle" class="theme-toggle" type="button" hidden>Theme</button></li>
</ul></nav>
</div></header>
<main id="main" tabindex="-1">
${page.main}
</main>
<div id="live" class="sr-only" role="status" aria-live="polite"></div>
<footer class="site">Served by this Cordum registry; nothing on these pages loads from
 another site unless you ask for it.</footer>
</body>
</html>`;
}
