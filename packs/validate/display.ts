/**
 * The manifest's display fields that become links (the marketplace, and
 * any UI reading catalog.json): an http(s) URL, or for `image` a file in the
 * pack. A link with another scheme (`javascript:`, `data:`, `file:`) is
 * refused, since whoever renders it as a link would run or open it.
 */
import type { Issue } from '../errors.js';
import type { PackManifest } from '../manifest.js';

const LINKS = ['homepage', 'source', 'sourceRepo', 'image'] as const;
// Browsers drop ASCII whitespace and control characters before reading a scheme.
const IGNORED = /[\u0000-\u0020]/g;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

export function linkIssues(manifest: PackManifest): Issue[] {
  const issues: Issue[] = [];
  for (const field of LINKS) {
    const value = manifest.metadata[field];
    if (value === undefined) continue;
    const scheme = SCHEME.exec(value.replace(IGNORED, ''))?.[1]?.toLowerCase();
    if (scheme === undefined || scheme === 'http' || scheme === 'https') continue;
    issues.push({ file: 'pack.yaml', path: `/metadata/${field}`, rule: 'link_scheme',
      message: `a "${scheme}:" link is not allowed: ${field} must be an http(s) URL` +
        (field === 'image' ? ' or the path of a file in the pack' : '') });
  }
  return issues;
}
