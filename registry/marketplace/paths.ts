/** The URLs of marketplace pages, built in one place. */
import { linkScheme } from '../../packs/validate/display.js';

export const BASE = '/marketplace';

export function packPath(id: string, version?: string): string {
  const base = `${BASE}/packs/${encodeURIComponent(id)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
}

export function changelogPath(id: string, from?: string, to?: string): string {
  const query = new URLSearchParams();
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  const q = query.toString();
  return `${BASE}/packs/${encodeURIComponent(id)}/changelog${q ? `?${q}` : ''}`;
}

/**
 * The file of the pack a manifest's `metadata.image` names, as a clean path
 * (`./media/icon.png` → `media/icon.png`); none for a link or a path out of
 * the pack.
 */
export function inPackImage(image: string | undefined): string | undefined {
  if (image === undefined || linkScheme(image) !== undefined) return undefined;
  const path = image.split('/').filter((s) => s !== '' && s !== '.').join('/');
  return path === '' || path.split('/').includes('..') ? undefined : path;
}

export function packFilePath(id: string, version: string, path: string): string {
  return `${packPath(id, version)}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function publisherPath(name: string): string {
  return `${BASE}/publishers/${encodeURIComponent(name)}`;
}

export function collectionPath(slug: string): string {
  return `${BASE}/collections/${encodeURIComponent(slug)}`;
}
