/**
 * `cordum bundle install FILE`: an offline bundle as the source of a
 * normal `pack install`, so the same digest, signature and content checks
 * run and `cordum.lock` is written the same way, with no network at all.
 * The keys trusted are the bundle's own (its trust root), or only the
 * `--key` files when given.
 */
import { readFileSync, statSync } from 'node:fs';
import { sha256Hex } from '../digest.js';
import { isPackError, PackError } from '../errors.js';
import { installPacks, type InstallRegistry, type InstallResult, type PublishedVersion }
  from '../install.js';
import { keysFromFiles, type TrustedKeys } from '../npm/trust.js';
import { resolveRange } from '../resolve.js';
import {
  assertOfflineSize, parseOfflineBundle, type OfflineBundle, type OfflinePack,
} from './format.js';

const SCHEME = 'offline:';

function urlsOf(p: OfflinePack) {
  const base = `${SCHEME}${p.id}@${p.version}`;
  return { tarball_url: `${base}/tarball`, bundle_url: `${base}/bundle` };
}

export class OfflineSource implements InstallRegistry {
  constructor(private readonly doc: OfflineBundle, private readonly file: string,
    private readonly trusted?: TrustedKeys) {}

  private find(id: string, version: string): OfflinePack {
    const p = this.doc.packs.find((x) => x.id === id && x.version === version);
    if (!p) {
      throw new PackError('range_unsatisfied', `${id}@${version} is not in ${this.file}`,
        { details: { id, version } });
    }
    return p;
  }

  private published(p: OfflinePack): PublishedVersion {
    return { id: p.id, version: p.version, sha256: p.sha256, key_id: p.key_id, ...urlsOf(p) };
  }

  async resolve(id: string, range: string): Promise<PublishedVersion> {
    const versions = this.doc.packs.filter((p) => p.id === id).map((p) => p.version);
    return this.published(this.find(id, resolveRange(versions, range, `${id} in ${this.file}`)));
  }

  async getVersion(id: string, version: string): Promise<PublishedVersion> {
    return this.published(this.find(id, version));
  }

  async fetchBytes(url: string): Promise<Buffer> {
    const m = /^offline:([a-z0-9-]+)@([^/]+)\/(tarball|bundle)$/.exec(url);
    if (!m) throw new PackError('usage', `${url}: not a member of ${this.file}`);
    const p = this.find(m[1]!, m[2]!);
    return m[3] === 'tarball' ? Buffer.from(p.tarball_base64, 'base64')
      : Buffer.from(JSON.stringify(p.bundle));
  }

  async getKey(keyId: string): Promise<{ key_id: string; public_key: string }> {
    if (this.trusted) return this.trusted.getKey(keyId);
    const key = this.doc.keys.find((k) => k.key_id === keyId);
    if (!key) {
      throw new PackError('signature_unknown_key', `signed by key ${keyId}, which ${this.file} ` +
        'does not carry', { details: { keyId } });
    }
    return key;
  }
}

export interface OfflineInstallResult extends InstallResult {
  file: string;
  file_sha256: string;
  trust: string;
}

export async function installOffline(options: { file: string; project: string;
  specs: string[]; keys: string[]; progress?: (line: string) => void })
  : Promise<OfflineInstallResult> {
  let bytes: Buffer;
  try {
    // Its size first: a file past the limit is refused unread (past 2 GiB it cannot be).
    assertOfflineSize(statSync(options.file).size, options.file);
    bytes = readFileSync(options.file);
  } catch (err) {
    if (isPackError(err)) throw err;
    throw new PackError('file_missing', `${options.file}: cannot be read`, { cause: err });
  }
  const doc = parseOfflineBundle(bytes, options.file);
  const trusted = options.keys.length > 0 ? keysFromFiles(options.keys) : undefined;
  const source = new OfflineSource(doc, options.file, trusted);
  const specs = options.specs.length > 0 ? options.specs
    : doc.packs.map((p) => `${p.id}@${p.version}`);
  if (specs.length === 0) throw new PackError('usage', `${options.file}: holds no packs`);
  const result = await installPacks({ registry: source, project: options.project, specs,
    ...(options.progress ? { progress: options.progress } : {}) });
  const n = doc.keys.length;
  const inBundle = `the ${n} key${n === 1 ? '' : 's'} in the bundle`;
  return { ...result, file: options.file, file_sha256: sha256Hex(bytes),
    trust: trusted ? `keys ${trusted.describe}` : inBundle };
}
