/**
 * An npm registry as a source for `cordum pack install`: it answers what
 * install asks of a Cordum registry (resolve, a version, bytes, a key) from
 * packuments and npm package tarballs. Install then runs its usual checks on
 * the embedded pack tarball: digest, signer, signature, contents.
 *
 * A version's tarball and bundle URLs are the npm tarball's URL with the
 * member as fragment (`...tgz#cordum.pack.tgz`); the npm tarball is fetched
 * once, checked against the packument's `dist.integrity`, and unpacked.
 *
 * Versions are chosen as a Cordum registry chooses them: a range or a
 * dist-tag never picks a yanked version (one whose `deprecated` is the yank
 * notice); a deprecated one is picked, carrying its message for install's
 * warning.
 */
import { validRange } from 'semver';
import { PackError } from '../errors.js';
import type { InstallRegistry, PublishedVersion } from '../install.js';
import { resolveRange } from '../resolve.js';
import { NpmClient, type Packument, type PackumentVersion } from './client.js';
import { matchesSha512 } from './integrity.js';
import { npmNameOf } from './name.js';
import { PACK_MEMBER, SIGNATURE_MEMBER, yankReasonOf } from './package.js';
import { cordumFieldOf, readNpmPackage, type NpmPackageContents } from './read.js';
import type { TrustedKeys } from './trust.js';

interface Located {
  version: PackumentVersion;
  published: PublishedVersion;
}

export class NpmInstallSource implements InstallRegistry {
  private readonly packuments = new Map<string, Promise<Packument>>();
  private readonly packages = new Map<string, Promise<NpmPackageContents>>();
  private readonly byTarball = new Map<string, PackumentVersion>();

  constructor(private readonly client: NpmClient, private readonly keys: TrustedKeys) {}

  async resolve(id: string, range: string): Promise<PublishedVersion> {
    const doc = await this.packument(id);
    const packs = Object.keys(doc.versions).filter((v) => doc.versions[v]?.cordum !== undefined
      && yankReasonOf(doc.versions[v]?.deprecated) === undefined);
    const version = isTag(range) ? taggedVersion(doc, range, packs, npmNameOf(id))
      : resolveRange(packs, range, npmNameOf(id));
    return this.locate(id, doc, version).published;
  }

  async getVersion(id: string, version: string): Promise<PublishedVersion> {
    return this.locate(id, await this.packument(id), version).published;
  }

  async fetchBytes(url: string): Promise<Buffer> {
    const hash = url.lastIndexOf('#');
    const tarball = url.slice(0, hash);
    const member = url.slice(hash + 1);
    const contents = await this.npmPackage(tarball);
    if (member === PACK_MEMBER) return contents.packTgz;
    if (member === SIGNATURE_MEMBER) return contents.bundleBytes;
    throw new PackError('usage', `${url}: names no member of a pack's npm package`);
  }

  getKey(keyId: string): Promise<{ key_id: string; public_key: string }> {
    return this.keys.getKey(keyId);
  }

  private packument(id: string): Promise<Packument> {
    let doc = this.packuments.get(id);
    if (!doc) {
      doc = this.client.packument(npmNameOf(id));
      this.packuments.set(id, doc);
    }
    return doc;
  }

  private locate(id: string, doc: Packument, version: string): Located {
    const name = npmNameOf(id);
    const v = doc.versions[version];
    if (!v) {
      throw new PackError('range_unsatisfied', `${name}@${version} is not in ${this.client.url}`,
        { details: { id, version } });
    }
    const cordum = cordumFieldOf(v as Record<string, unknown>, `${name}@${version}`);
    if (cordum.id !== id || cordum.version !== version) {
      throw new PackError('npm_package_invalid', `${name}@${version}: its cordum field names ` +
        `${cordum.id}@${cordum.version}`);
    }
    if (typeof v.dist?.tarball !== 'string') {
      throw new PackError('npm_package_invalid', `${name}@${version}: dist.tarball is missing`);
    }
    this.byTarball.set(v.dist.tarball, v);
    const published: PublishedVersion = { id, version, sha256: cordum.sha256,
      key_id: cordum.key_id, tarball_url: `${v.dist.tarball}#${PACK_MEMBER}`,
      bundle_url: `${v.dist.tarball}#${SIGNATURE_MEMBER}`, ...noticesOf(v) };
    return { version: v, published };
  }

  private npmPackage(tarball: string): Promise<NpmPackageContents> {
    let contents = this.packages.get(tarball);
    if (!contents) {
      contents = this.downloadChecked(tarball);
      this.packages.set(tarball, contents);
    }
    return contents;
  }

  private async downloadChecked(tarball: string): Promise<NpmPackageContents> {
    const v = this.byTarball.get(tarball);
    if (!v) throw new PackError('usage', `${tarball}: not a tarball of a resolved version`);
    const bytes = await this.client.download(tarball);
    const integrity = v.dist.integrity ?? '';
    const ok = matchesSha512(bytes, integrity);
    if (ok !== true) {
      throw new PackError(ok === false ? 'digest_mismatch' : 'npm_package_invalid',
        `${v.name}@${v.version}: ${ok === false ? 'the downloaded tarball does not match' :
          'the packument gives no sha512'} dist.integrity ${integrity || '(none)'}`,
        { details: { url: tarball, integrity } });
    }
    return readNpmPackage(bytes, `${v.name}@${v.version}`);
  }
}

/** A dist-tag rather than a range (`id@beta`), as install's specs read it (splitSpec). */
function isTag(range: string): boolean {
  return validRange(range) === null;
}

/** The version a dist-tag names, when it is a pack's and not yanked. */
function taggedVersion(doc: Packument, tag: string, packs: string[], name: string): string {
  const tags = doc['dist-tags'] ?? {};
  const version = Object.hasOwn(tags, tag) ? tags[tag] : undefined;
  if (version === undefined || !packs.includes(version)) {
    const why = version === undefined ? `no dist-tag ${tag}`
      : `dist-tag ${tag} points at ${version}, which is yanked or not a Cordum pack`;
    throw new PackError('range_unsatisfied', `${name}: ${why}`,
      { details: { tag, version: version ?? null } });
  }
  return version;
}

/** What install warns of: a yank (the notice) or a deprecation (its message). */
function noticesOf(v: PackumentVersion): Pick<PublishedVersion, 'yanked' | 'yank_reason'
  | 'deprecated'> {
  const reason = yankReasonOf(v.deprecated);
  if (reason !== undefined) return { yanked: true, yank_reason: reason };
  return typeof v.deprecated === 'string' ? { deprecated: v.deprecated } : {};
}
