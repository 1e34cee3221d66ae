/**
 * How a pack is named in an npm registry: `@cordum-packs/<id>`, one npm
 * version per pack version, the tarball named as npm names it.
 */
export const NPM_SCOPE = '@cordum-packs';

/** `hello-pack` → `@cordum-packs/hello-pack`. */
export function npmNameOf(packId: string): string {
  return `${NPM_SCOPE}/${packId}`;
}

/** The pack id of an npm name in our scope, or undefined for any other name. */
export function packIdOfNpmName(name: string): string | undefined {
  const prefix = `${NPM_SCOPE}/`;
  if (!name.startsWith(prefix)) return undefined;
  const id = name.slice(prefix.length);
  return /^[a-z0-9-]+$/.test(id) ? id : undefined;
}

/** The name as it goes in a URL path: the scope's slash escaped, as npm sends it. */
export function escapedNpmName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

/** `hello-pack-0.1.0.tgz`: the file part of a tarball URL. */
export function npmTarballFile(packId: string, version: string): string {
  return `${packId}-${version}.tgz`;
}
