/**
 * A pack's README as safe HTML. `marked` parses the Markdown; our renderer
 * escapes every raw HTML block and tag (they show as text), keeps only
 * http(s), mailto and in-page links, shows images from inside the pack, and
 * turns remote images into a button that loads them only when clicked.
 * The result is then checked against a strict allowlist of tags and
 * attributes; anything else and the README is shown as plain text instead.
 */
import { runInNewContext } from 'node:vm';
import { Marked, type RendererObject, type Tokens } from 'marked';
import { escapeHtml, html, trusted, type SafeHtml } from '../html.js';

export interface ReadmeLinks {
  /** The URL serving a raster image of the pack at `path`, when the pack has it. */
  imageUrl(path: string): string | undefined;
}

const SAFE_HREF = /^(https?:\/\/|mailto:|#)/i;

/** A link target inside the pack, resolved to a clean relative path. */
function packPath(href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return undefined;
  const parts: string[] = [];
  for (const part of href.split(/[?#]/)[0]!.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(decodeURIComponentSafe(part));
  }
  return parts.length > 0 ? parts.join('/') : undefined;
}

function decodeURIComponentSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The host a URL points at, for telling the reader where a request would go. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'another site';
  }
}

function renderer(links: ReadmeLinks): RendererObject {
  return {
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    heading({ tokens, depth }: Tokens.Heading) {
      // The page has its own h1 and h2; README headings sit below them.
      const level = Math.min(6, depth + 2);
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
    code: ({ text, lang, escaped }: Tokens.Code) => {
      const language = /^[\w+-]{1,32}$/.test(lang ?? '') ? ` class="language-${lang}"` : '';
      return `<pre><code${language}>${escaped ? text : escapeHtml(text)}</code></pre>\n`;
    },
    checkbox: ({ checked }: Tokens.Checkbox) =>
      `<span class="task" role="img" aria-label="${checked ? 'done' : 'not done'}">` +
      `${checked ? '☑' : '☐'}</span> `,
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      if (!SAFE_HREF.test(href)) return `<span class="link-dropped">${inner}</span>`;
      const titled = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(href)}"${titled} rel="nofollow noopener noreferrer">` +
        `${inner}</a>`;
    },
    image: ({ href, title, text }: Tokens.Image) => imageHtml(links, href, title, text),
  };
}

function imageHtml(links: ReadmeLinks, href: string, title: string | null | undefined,
  alt: string): string {
  const titled = title ? ` title="${escapeHtml(title)}"` : '';
  const local = packPath(href);
  const url = local === undefined ? undefined : links.imageUrl(local);
  if (url) return `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}"${titled} loading="lazy">`;
  if (/^https?:\/\//i.test(href)) {
    // No request leaves the browser for it until the reader says so.
    return `<button type="button" class="load-image" data-src="${escapeHtml(href)}" ` +
      `data-alt="${escapeHtml(alt)}">Load image from ${escapeHtml(hostOf(href))}` +
      `${alt ? `: ${escapeHtml(alt)}` : ''}</button>`;
  }
  return `<span class="image-dropped">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`;
}

const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/g;
const ATTRIBUTE = /\s+([a-z-]+)(?:="([^"]*)")?/g;
const ALLOWED: Record<string, Record<string, RegExp>> = {
  p: {}, br: {}, hr: {}, em: {}, strong: {}, del: {}, blockquote: {}, ul: {}, li: {},
  h3: {}, h4: {}, h5: {}, h6: {}, pre: {}, table: {}, thead: {}, tbody: {}, tr: {},
  ol: { start: /^\d{1,9}$/ },
  th: { align: /^(left|right|center)$/ },
  td: { align: /^(left|right|center)$/ },
  code: { class: /^language-[\w+-]+$/ },
  a: { href: SAFE_HREF, title: /./, rel: /^nofollow noopener noreferrer$/ },
  img: { src: /^\/marketplace\//, alt: /.*/, title: /./, loading: /^lazy$/ },
  span: { class: /^(task|link-dropped|image-dropped)$/, role: /^img$/,
    'aria-label': /^(done|not done)$/ },
  button: { type: /^button$/, class: /^load-image$/, 'data-src': /^https?:\/\//i,
    'data-alt': /.*/ },
};

/** True when every tag and attribute of `markup` is on the allowlist. */
export function isAllowedMarkup(markup: string): boolean {
  const stripped = markup.replace(TAG, (whole, _close: string, name: string, attrs: string) => {
    const allowed = ALLOWED[name];
    if (!allowed) return '\u0000';
    for (const m of attrs.matchAll(ATTRIBUTE)) {
      const rule = allowed[m[1]!];
      if (!rule || !rule.test(m[2] ?? '')) return '\u0000';
    }
    return whole.length > 0 ? '' : '\u0000';
  });
  return !stripped.includes('\u0000') && !/[<>]/.test(stripped);
}

/** The longest a README may take to render; past it, it is shown as plain text. */
export const README_RENDER_MS = 2000;

/**
 * `marked` under a deadline. Some Markdown costs it time quadratic in its
 * length (100,000 `_a` pairs: minutes) or overflows its stack (a few
 * thousand nested `>`), and a page renders on the one thread that answers
 * every request. vm's timeout stops any script running past it, the parser
 * included. Undefined when it did not finish.
 */
function parseWithin(marked: Marked, markdown: string, ms: number): string | undefined {
  const parse = () => marked.parse(markdown, { async: false });
  try {
    return String(runInNewContext('parse()', { parse }, { timeout: ms }));
  } catch {
    return undefined;
  }
}

/**
 * Renders a README; falls back to escaped plain text if the allowlist check
 * fails, or if rendering fails or takes longer than `budgetMs`.
 */
export function renderReadme(markdown: string, links: ReadmeLinks,
  budgetMs = README_RENDER_MS): SafeHtml {
  const marked = new Marked({ gfm: true, async: false, renderer: renderer(links) });
  const out = parseWithin(marked, markdown, budgetMs);
  if (out !== undefined && isAllowedMarkup(out)) return trusted(out);
  return html`<pre class="readme-plain">${markdown}</pre>`;
}
