/**
 * The manifest's display fields that become links (the marketplace, and
 * any UI reading catalog.json): an http(s) URL, or for `image` a file in the
 * pack. A link with another scheme (`javascript:`, `data:`, `file:`), or
 * none (`//host/x`), is refused, since whoever renders it as a link would
 * run or open it. Display text holds no control or text-direction
 * characters, which would show it otherwise than it reads.
 */
import type { Issue } from '../errors.js';
import type { PackManifest } from '../manifest.js';

const LINKS = ['homepage', 'source', 'sourceRepo', 'image'] as const;
const TEXTS = ['title', 'description', 'author', 'license'] as const;
// Control characters other than tab and line breaks (NUL is the storable-text check's), and
// the bidirectional overrides that make text read otherwise than it is stored.
const HIDDEN = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// Browsers drop ASCII whitespace and control characters before reading a scheme.
const IGNORED = /[\u0000-\u0020]/g;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * The scheme a link is read with, lower-cased: `//` for one naming another
 * host with the page's own scheme, undefined for a path.
 */
export function linkScheme(value: string): string | undefined {
  const bare = value.replace(IGNORED, '');
  // URL parsers read a backslash as a slash there (`/\host`, `\\host`).
  return /^[\\/]{2}/.test(bare) ? '//' : SCHEME.exec(bare)?.[1]?.toLowerCase();
}

export function linkIssues(manifest: PackManifest): Issue[] {
  const issues: Issue[] = [];
  for (const field of LINKS) {
    const value = manifest.metadata[field];
    if (value === undefined) continue;
    const scheme = linkScheme(value);
    if (scheme === undefined || scheme === 'http' || scheme === 'https') continue;
    const what = scheme === '//' ? 'a link without a scheme ("//host/...")' : `a "${scheme}:" link`;
    issues.push({ file: 'pack.yaml', path: `/metadata/${field}`, rule: 'link_scheme',
      message: `${what} is not allowed: ${field} must be an http(s) URL` +
        (field === 'image' ? ' or the path of a file in the pack' : '') });
  }
  const texts = new Map<string, string | undefined>();
  for (const f of [...TEXTS, ...LINKS]) texts.set(`/metadata/${f}`, manifest.metadata[f]);
  (manifest.metadata.authors ?? []).forEach((a, i) => texts.set(`/metadata/authors/${i}`, a));
  for (const [path, value] of texts) {
    const at = value?.search(HIDDEN) ?? -1;
    if (at < 0) continue;
    const code = value!.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0');
    issues.push({ file: 'pack.yaml', path, rule: 'display_text',
      message: `holds U+${code} at character ${at + 1}, a control or text-direction ` +
        'character that would show otherwise than it reads; remove it' });
  }
  return issues;
}
