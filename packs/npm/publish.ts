/**
 * `cordum pack publish --to npm:URL`: a signed pack tarball as an npm
 * package, published with npm's own protocol (the new version's packument
 * PUT with the tarball as a base64 attachment, bearer token), so Verdaccio,
 * Artifactory or any npm registry stores it like any package.
 */
import { sha256Hex } from '../digest.js';
import { keyIdOf } from '../signing/keys.js';
import { verifyTarball } from '../signing/verify.js';
import { NpmClient } from './client.js';
import { buildNpmPackage, type NpmPackage } from './package.js';

export interface NpmPublished {
  name: string;
  version: string;
  id: string;
  sha256: string;
  key_id: string;
  tarball_url: string;
  integrity: string;
  registry: string;
  /** Pack files not shown unpacked, as they clash with the npm package's own (package.ts). */
  omitted: string[];
}

/** The body `npm publish` sends, for one new version. */
export function publishBody(pkg: NpmPackage, registryUrl: string, tag = 'latest')
  : { body: object; tarball: string } {
  const { name, version } = pkg.manifest;
  const tarballName = `${name}-${version}.tgz`;
  const base = registryUrl.endsWith('/') ? registryUrl : `${registryUrl}/`;
  const tarball = new URL(`${name}/-/${tarballName}`, base).href;
  const versionDoc = { ...pkg.manifest, _id: `${name}@${version}`,
    dist: { integrity: pkg.integrity, shasum: pkg.shasum, tarball } };
  const body = {
    _id: name,
    name,
    description: pkg.manifest.description,
    'dist-tags': { [tag]: version },
    versions: { [version]: versionDoc },
    access: null,
    _attachments: {
      [tarballName]: { content_type: 'application/octet-stream',
        data: pkg.tgz.toString('base64'), length: pkg.tgz.length },
    },
  };
  return { body, tarball };
}

/**
 * Builds the npm package and publishes it. With `publicKeyPem`, the
 * signature is verified first, so a wrong bundle never leaves the machine.
 */
export async function publishToNpm(options: {
  url: string;
  token?: string;
  tgz: Buffer;
  bundle: unknown;
  publicKeyPem?: string;
  tag?: string;
}): Promise<NpmPublished> {
  const { tgz, bundle, publicKeyPem } = options;
  if (publicKeyPem !== undefined) {
    const keyId = keyIdOf(publicKeyPem);
    verifyTarball(tgz, bundle, (id) => (id === keyId ? publicKeyPem : undefined));
  }
  const pkg = await buildNpmPackage(tgz, bundle);
  const client = new NpmClient(options.token === undefined ? { url: options.url }
    : { url: options.url, token: options.token });
  const { body, tarball } = publishBody(pkg, client.url, options.tag);
  await client.publish(pkg.manifest.name, body);
  // Registries rename the file as they store it (Verdaccio drops the scope): say where it is.
  const stored = await client.packument(pkg.manifest.name)
    .then((p) => p.versions?.[pkg.manifest.version]?.dist?.tarball, () => undefined);
  return {
    name: pkg.manifest.name,
    version: pkg.manifest.version,
    id: pkg.manifest.cordum.id,
    sha256: sha256Hex(tgz),
    key_id: pkg.manifest.cordum.key_id,
    tarball_url: stored ?? tarball,
    integrity: pkg.integrity,
    registry: client.url,
    omitted: pkg.omitted,
  };
}
