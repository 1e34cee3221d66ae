/**
 * What a registry says a deployment runs: the deployment record (polled
 * with its ETag), the pinned packs (pulled with the registry client and
 * verified: digest against the pin, signature against the pinned key) and
 * the policy bundles. Verified packs are kept by digest, so a poll that
 * changes one pack downloads one pack.
 */
import { readBundle } from '../../packs/bundle/read.js';
import { readBounded, RegistryClient, RegistryRequestError, unreachableReason }
  from '../../packs/client/registry.js';
import { sha256Hex } from '../../packs/digest.js';
import { PackError } from '../../packs/errors.js';
import { loadPack, type LoadedPack } from '../../packs/load.js';
import { keyIdOf } from '../../packs/signing/keys.js';
import { verifyTarball } from '../../packs/signing/verify.js';
import { parseAnswer, toBundleNames, toBundleView, toDeploymentView } from './deployment_view.js';
import { KernelError } from './errors.js';

/** How long a request to the registry may take, its answer read to the end. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Most bytes a deployment or policy bundle answer may hold (a bundle upload's limit). */
const MAX_ANSWER_BYTES = 64 << 20;

export interface PinnedPack {
  id: string;
  range: string;
  version: string;
  sha256: string;
  key_id: string;
}

export interface DeploymentView {
  name: string;
  tenant: string;
  packs: PinnedPack[];
  packs_snapshot_hash: string;
  snapshot_hash: string;
  generation: number;
}

export interface BundleView {
  name: string;
  fragment: Record<string, unknown>;
  version: number;
}

export interface RegistrySourceOptions {
  url: string;
  deployment: string;
  token?: string;
  /** Trusted public keys by key id; when absent, the registry's key whose id matches the pin. */
  trustedKeys?: ReadonlyMap<string, string>;
  /** Policy bundle names to pull when the registry cannot list them. */
  bundles?: string[];
  timeoutMs?: number;
}

export class RegistryDeploymentSource {
  readonly client: RegistryClient;
  private readonly packs = new Map<string, LoadedPack>();
  private readonly base: string;
  /** Aborted by `close`: a registry that hangs must not hold up a stopping engine. */
  private readonly closing = new AbortController();

  constructor(private readonly options: RegistrySourceOptions) {
    this.base = options.url.replace(/\/+$/, '');
    const signal = this.closing.signal;
    this.client = new RegistryClient(options.token === undefined ? { url: this.base, signal }
      : { url: this.base, token: options.token, signal });
  }

  /** Aborts the requests in flight (and refuses any later one): the engine is stopping. */
  close(): void {
    this.closing.abort(new Error('the engine is stopping'));
  }

  get deploymentName(): string {
    return this.options.deployment;
  }

  /** The deployment, or `undefined` when it is unchanged since `etag`. */
  async deployment(etag?: string): Promise<{ view: DeploymentView; etag?: string } | undefined> {
    const path = `/v1/deployments/${encodeURIComponent(this.options.deployment)}`;
    const res = await this.get(path, etag);
    if (res.status === 304) return undefined;
    if (res.status === 404) {
      throw new KernelError('deployment_not_found', `the registry ${this.base} has no ` +
        `deployment ${this.options.deployment}: check --deployment (cordum_deployment's name)`);
    }
    if (!res.ok) {
      throw new KernelError('deployment_unreachable',
        `GET ${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
    const view = toDeploymentView(await this.json(res, path), `GET ${path}`);
    const tag = res.headers.get('etag');
    return tag === null ? { view } : { view, etag: tag };
  }

  /** The policy bundles, in name order as the registry merges them. */
  async bundles(): Promise<BundleView[]> {
    const base = `/v1/deployments/${encodeURIComponent(this.options.deployment)}/policy-bundles`;
    const listed = await this.get(base);
    let names = this.options.bundles ?? [];
    if (listed.ok) names = toBundleNames(await this.json(listed, base), `GET ${base}`);
    else if (listed.status === 404 || listed.status === 405) await listed.body?.cancel();
    else {
      // Only a registry without the list falls back to the names given: one that failed to
      // list would compose the snapshot without its bundles, refused as a hash mismatch.
      throw new KernelError('deployment_unreachable', `GET ${base} answered ${listed.status}: ` +
        `${(await listed.text()).slice(0, 200)}`);
    }
    const out: BundleView[] = [];
    for (const name of [...names].sort()) {
      const path = `${base}/${encodeURIComponent(name)}`;
      const res = await this.get(path);
      if (res.status === 404) {
        await res.body?.cancel();
        continue;
      }
      if (!res.ok) throw new KernelError('deployment_unreachable', `policy bundle ${name}: ` +
        `the registry answered ${res.status}`);
      out.push(toBundleView(await this.json(res, path), `GET ${path}`));
    }
    return out;
  }

  /** A pinned pack, verified; refused with `snapshot_unverified` when anything is off. */
  async pack(pin: PinnedPack): Promise<LoadedPack> {
    const kept = this.packs.get(pin.sha256);
    if (kept) return kept;
    return unverifiedAs(`${pin.id}@${pin.version}`, async (where) => {
      const tgz = await this.tarball(pin, 'the pinned');
      const bundle = await this.client.downloadBundle(pin.id, pin.version);
      const pem = await this.keyFor(pin.key_id);
      const verified = signedByPinnedKey(where, pin, () =>
        verifyTarball(tgz, bundle, (id) => (id === pin.key_id ? pem : undefined)));
      const pack = loadPack(await readBundle(tgz));
      if (pack.manifest.metadata.id !== pin.id || verified.sha256 !== pin.sha256) {
        throw new KernelError('snapshot_unverified', `${where}: the tarball holds pack ` +
          `${pack.manifest.metadata.id}, not what the deployment pins`);
      }
      this.packs.set(pin.sha256, pack);
      return pack;
    });
  }

  /**
   * When the key that signed a pinned version was revoked, if it was: the registry still
   * serves (and lets a deployment pin) versions published before the revocation, as
   * `cordum pack install` installs them with a warning. `undefined` when the registry
   * does not say (an older registry): this is a warning, not a check a reload waits on.
   */
  async signerRevokedAt(pin: PinnedPack): Promise<string | undefined> {
    try {
      const version = await this.client.getVersion(pin.id, pin.version) as
        { key_revoked_at?: unknown };
      const at = version.key_revoked_at;
      return typeof at === 'string' ? at : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A pack version taken before (a kept snapshot's, for a rollback), by the
   * digest its snapshot recorded when it was verified: the same bytes, so
   * the same signature; anything else is `snapshot_unverified`.
   */
  async packByDigest(kept: { id: string; version: string; sha256: string }): Promise<LoadedPack> {
    const cached = this.packs.get(kept.sha256);
    if (cached) return cached;
    return unverifiedAs(`${kept.id}@${kept.version}`, async () => {
      const tgz = await this.tarball(kept, 'the digest verified when this snapshot was taken,');
      const pack = loadPack(await readBundle(tgz));
      this.packs.set(kept.sha256, pack);
      return pack;
    });
  }

  /** A version's tarball, refused unless its sha256 is `want.sha256` (`what` says whose). */
  private async tarball(want: { id: string; version: string; sha256: string }, what: string) {
    const tgz = await this.client.downloadTarball(want.id, want.version);
    const actual = sha256Hex(tgz);
    if (actual !== want.sha256) {
      throw new KernelError('snapshot_unverified', `${want.id}@${want.version}: tarball sha256 ` +
        `${actual} is not ${what} ${want.sha256}`);
    }
    return tgz;
  }

  /** A trusted key, else the registry's, accepted only when its own id is the pinned one. */
  private async keyFor(keyId: string): Promise<string> {
    const trusted = this.options.trustedKeys;
    if (trusted) {
      const pem = trusted.get(keyId);
      if (!pem) throw new KernelError('snapshot_unverified', `key ${keyId} is not trusted here`);
      return pem;
    }
    const key = await this.client.getKey(keyId);
    if (keyIdOf(key.public_key) !== keyId) {
      throw new KernelError('snapshot_unverified', `the registry's key ${keyId} has another id`);
    }
    return key.public_key;
  }

  /** An answer's JSON, its body bounded: a registry answering without end is refused. */
  private async json(res: Response, path: string): Promise<unknown> {
    let body: Buffer;
    try {
      body = await readBounded(res, MAX_ANSWER_BYTES);
    } catch (err) {
      // A body past the bound is said with its URL already; a read cut short is not.
      const ms = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const why = err instanceof Error && err.name === 'TimeoutError'
        ? `the answer did not end within ${ms} ms` : unreachableReason(err, ms);
      const message = err instanceof RegistryRequestError ? err.message
        : `GET ${this.base}${path}: ${why}`;
      throw new KernelError('deployment_unreachable', message, { cause: err });
    }
    return parseAnswer(body.toString('utf8'), `GET ${path}`);
  }

  private get(path: string, etag?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (etag) headers['if-none-match'] = etag;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return fetch(`${this.base}${path}`, { headers, redirect: 'error',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]) })
      .catch((err: unknown) => {
        throw new KernelError('deployment_unreachable', `GET ${this.base}${path}: ` +
          unreachableReason(err, timeoutMs), { cause: err });
      });
  }
}

/**
 * `verify`'s answer; a signature by another key than the pinned one is said as such
 * (verifyTarball can only say the key "is not trusted", though the registry may trust it).
 */
function signedByPinnedKey<T>(where: string, pin: PinnedPack, verify: () => T): T {
  try {
    return verify();
  } catch (err) {
    if (!(err instanceof PackError) || err.code !== 'signature_unknown_key') throw err;
    throw new KernelError('snapshot_unverified', `${where}: signed by key ` +
      `${String(err.details.keyId)}, but the deployment pins key ${pin.key_id}`, { cause: err });
  }
}

/** `fn`'s pack, any failure that is not already the kernel's said as `snapshot_unverified`. */
async function unverifiedAs<T>(where: string, fn: (where: string) => Promise<T>): Promise<T> {
  try {
    return await fn(where);
  } catch (err) {
    if (err instanceof KernelError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new KernelError('snapshot_unverified', `${where}: ${msg}`, { cause: err });
  }
}
