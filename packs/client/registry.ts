/**
 * The one HTTP client of the Cordum registry API (`/v1`). Every call has a
 * timeout; a problem+json answer becomes a thrown `RegistryRequestError`
 * with the problem's `code`, and a connection failure one with
 * `registry_unreachable`. The token is sent only to the registry's origin.
 */
import type { Catalog } from '../catalog.js';
import { DEFAULT_LIMITS } from '../bundle/limits.js';
import type { Issue } from '../errors.js';
import type { PackManifest } from '../manifest.js';
import type { LogKey, SignedTreeHead } from '../tlog/tree-head.js';
import type { StoredUpstream, UpstreamEvidence } from '../tlog/upstream.js';
import type {
  ConsistencyProof, EntryQuery, InclusionProof, LogEntryView,
} from '../tlog/types.js';

export interface VersionUrls {
  tarball_url: string;
  bundle_url: string;
}

/** `POST /v1/packs` and `GET /v1/packs/{id}/resolve`. */
export interface PublishedVersion extends VersionUrls {
  id: string;
  version: string;
  sha256: string;
  key_id: string;
}

export interface VersionSummary extends VersionUrls {
  version: string;
  sha256: string;
  key_id: string;
  size: number;
  published_at: string;
}

/** `GET /v1/packs/{id}/versions/{version}`. */
export interface VersionDetail extends VersionSummary {
  id: string;
  publisher: string;
  manifest: PackManifest;
}

/** `GET /v1/packs/{id}`. */
export interface PackDetail {
  id: string;
  publisher: string;
  title?: string;
  description?: string;
  /** null once every version is yanked. */
  latest: string | null;
  versions: VersionSummary[];
  /** Set (true) on a private pack, for a caller allowed to see it. */
  private?: boolean;
}

/** An entry of `GET /v1/packs`. */
export type PackSummary = Pick<PackDetail, 'id' | 'publisher' | 'latest' | 'title' | 'description'>;

/** An entry of `GET /v1/keys`. */
export interface RegisteredKey {
  key_id: string;
  publisher: string;
  public_key: string;
  created_at: string;
}

/** A failed registry call, carrying the problem's code, status and issues. */
export class RegistryRequestError extends Error {
  override readonly name = 'RegistryRequestError';
  readonly code: string;
  readonly status: number | undefined;
  readonly issues: Issue[];
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; issues?: Issue[]; details?: Record<string, unknown>;
      cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

export interface RegistryClientOptions {
  url: string;
  token?: string;
  /** Per-request timeout; default 60 s. */
  timeoutMs?: number;
  /** Aborts every request in flight and refuses later ones (a server that is stopping). */
  signal?: AbortSignal;
  /** Largest download accepted; default the bundle upload limit (64 MiB). */
  maxDownloadBytes?: number;
  /**
   * How the command's user gives this registry a token, named when it answers
   * 401; default `--token or CORDUM_TOKEN` (a mirror's source has its own flag).
   */
  tokenFrom?: string;
}

/** A version's yank, as `GET|PUT /v1/packs/{id}/versions/{v}/yank` answer it. */
export interface YankStatus {
  id: string;
  version: string;
  yanked: boolean;
  yanked_at: string | null;
  reason: string | null;
}

interface ProblemBody {
  code?: unknown;
  detail?: unknown;
  title?: unknown;
  issues?: unknown;
}

const seg = encodeURIComponent;

export class RegistryClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly maxDownloadBytes: number;
  private readonly tokenFrom: string;

  constructor(options: RegistryClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.signal = options.signal;
    this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_LIMITS.maxUploadBytes;
    this.tokenFrom = options.tokenFrom ?? '--token or CORDUM_TOKEN';
  }

  /** Publishes a signed tarball; `bundle` is the sigstore bundle (JSON text or value). */
  async publish(
    tarball: Buffer,
    bundle: string | Buffer | object,
    options: { publisher?: string; fileName?: string } = {},
  ): Promise<PublishedVersion> {
    const text = typeof bundle === 'string' || Buffer.isBuffer(bundle)
      ? bundle.toString()
      : JSON.stringify(bundle);
    const name = options.fileName ?? 'pack.tgz';
    const form = new FormData();
    form.append('tarball', new Blob([tarball], { type: 'application/gzip' }), name);
    form.append('bundle', new Blob([text], { type: 'application/json' }), `${name}.sigstore.json`);
    if (options.publisher !== undefined) form.append('publisher', options.publisher);
    return this.json<PublishedVersion>('POST', '/v1/packs', form);
  }

  listPacks(): Promise<{ packs: PackSummary[] }> {
    return this.json('GET', '/v1/packs');
  }

  getPack(id: string): Promise<PackDetail> {
    return this.json('GET', `/v1/packs/${seg(id)}`);
  }

  getVersion(id: string, version: string): Promise<VersionDetail> {
    return this.json('GET', `/v1/packs/${seg(id)}/versions/${seg(version)}`);
  }

  getManifest(id: string, version: string): Promise<PackManifest> {
    return this.json('GET', `/v1/packs/${seg(id)}/versions/${seg(version)}/manifest`);
  }

  resolve(id: string, range: string): Promise<PublishedVersion> {
    return this.json('GET', `/v1/packs/${seg(id)}/resolve?range=${seg(range)}`);
  }

  /** Yanks one version (`yanked` true, with a reason if given) or restores it. */
  setYanked(id: string, version: string, yanked: boolean, reason?: string):
    Promise<YankStatus> {
    const body = JSON.stringify(reason === undefined ? { yanked } : { yanked, reason });
    return this.json('PUT', `/v1/packs/${seg(id)}/versions/${seg(version)}/yank`, body,
      'application/json');
  }

  downloadTarball(id: string, version: string): Promise<Buffer> {
    return this.bytes(`${this.url}/v1/packs/${seg(id)}/versions/${seg(version)}/tarball`);
  }

  /** The sigstore bundle of a version, as the registry stores it. */
  async downloadBundle(id: string, version: string): Promise<unknown> {
    const url = `${this.url}/v1/packs/${seg(id)}/versions/${seg(version)}/bundle`;
    const text = (await this.bytes(url)).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      // A bare JSON.parse message names neither the pack nor that it is its signature.
      throw new RegistryRequestError('registry_error', `GET ${url}: the signature bundle of ` +
        `${id}@${version} is not JSON (${err instanceof Error ? err.message : String(err)})`,
        { cause: err });
    }
  }

  /** Bytes at an absolute URL the registry handed out (tarball_url, bundle_url). */
  fetchBytes(url: string): Promise<Buffer> {
    return this.bytes(url);
  }

  listKeys(): Promise<{ keys: RegisteredKey[] }> {
    return this.json('GET', '/v1/keys');
  }

  getKey(keyId: string): Promise<RegisteredKey> {
    return this.json('GET', `/v1/keys/${seg(keyId)}`);
  }

  addKey(publicPem: string, publisher?: string): Promise<{ key_id: string; publisher: string }> {
    const body = publisher === undefined
      ? { public_key: publicPem }
      : { public_key: publicPem, publisher };
    return this.json('POST', '/v1/keys', JSON.stringify(body), 'application/json');
  }

  catalog(): Promise<Catalog> {
    return this.json('GET', '/v1/catalog.json');
  }

  // The transparency log (`/v1/log`): see packs/tlog/check.ts for the checks.
  logKey(): Promise<LogKey> {
    return this.json('GET', '/v1/log/key');
  }

  logTreeHead(treeSize?: number): Promise<SignedTreeHead> {
    const query = treeSize === undefined ? '' : `?tree_size=${treeSize}`;
    return this.json('GET', `/v1/log/tree-head${query}`);
  }

  logEntries(query: EntryQuery & { start?: number; end?: number }):
  Promise<{ entries: LogEntryView[] }> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.json('GET', `/v1/log/entries?${params.toString()}`);
  }

  logInclusion(index: number, treeSize: number): Promise<InclusionProof> {
    return this.json('GET', `/v1/log/proof/inclusion?index=${index}&tree_size=${treeSize}`);
  }

  logConsistency(first: number, second: number): Promise<ConsistencyProof> {
    return this.json('GET', `/v1/log/proof/consistency?first=${first}&second=${second}`);
  }

  /** The source logs' evidence for a mirrored version (empty when none). */
  upstreamLog(id: string, version: string): Promise<{ upstream: StoredUpstream[] }> {
    return this.json('GET', `/v1/packs/${seg(id)}/versions/${seg(version)}/log/upstream`);
  }

  /** Stores a source log's evidence for a version; the registry checks it first. */
  putUpstreamLog(id: string, version: string, evidence: UpstreamEvidence):
  Promise<StoredUpstream> {
    return this.json('PUT', `/v1/packs/${seg(id)}/versions/${seg(version)}/log/upstream`,
      JSON.stringify(evidence), 'application/json');
  }

  /** The source logs' evidence of a mirrored key's registration (empty when none). */
  keyUpstreamLog(keyId: string): Promise<{ upstream: StoredUpstream[] }> {
    return this.json('GET', `/v1/keys/${seg(keyId)}/log/upstream`);
  }

  /** Stores a source log's evidence of a key's registration; the registry checks it first. */
  putKeyUpstreamLog(keyId: string, evidence: UpstreamEvidence): Promise<StoredUpstream> {
    return this.json('PUT', `/v1/keys/${seg(keyId)}/log/upstream`, JSON.stringify(evidence),
      'application/json');
  }

  private async json<T>(
    method: string,
    path: string,
    body?: FormData | string,
    contentType?: string,
  ): Promise<T> {
    const res = await this.send(`${this.url}${path}`, method, body, contentType);
    const text = (await this.read(res)).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new RegistryRequestError('registry_error',
        `${method} ${path}: the registry answered ${res.status} with a body that is not JSON`,
        { status: res.status, cause: err });
    }
  }

  private async bytes(url: string): Promise<Buffer> {
    return this.read(await this.send(url, 'GET'));
  }

  private async send(
    url: string,
    method: string,
    body?: FormData | string,
    contentType?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, */*' };
    // A URL on another origin (a mirror, a CDN) never sees the token.
    const origin = new URL(url).origin;
    const withheld = this.token !== undefined && origin !== new URL(this.url).origin;
    if (this.token && !withheld) headers.authorization = `Bearer ${this.token}`;
    if (contentType) headers['content-type'] = contentType;

    let res: Response;
    try {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = this.signal ? AbortSignal.any([timeout, this.signal]) : timeout;
      res = await fetch(url, { method, headers, body, signal, redirect: 'error' });
    } catch (err) {
      throw unreachable(method, url, this.timeoutMs, err);
    }
    if (!res.ok) {
      const text = (await this.read(res).catch(() => Buffer.alloc(0))).toString('utf8');
      // A registry reached by another name than its own hands out URLs under its own.
      const hint = withheld
        ? `the token was not sent: ${origin} is not the origin of registry ${this.url}; if ` +
          `both are this registry, reach it at ${origin} or start it with --public-url ${this.url}`
        : `registry ${this.url}: give one with ${this.tokenFrom}`;
      throw problemError(method, url, res, text, hint);
    }
    return res;
  }

  private read(res: Response): Promise<Buffer> {
    return readBounded(res, this.maxDownloadBytes);
  }
}

function unreachable(method: string, url: string, timeoutMs: number, err: unknown) {
  return new RegistryRequestError('registry_unreachable',
    `${method} ${url}: cannot reach the registry: ${unreachableReason(err, timeoutMs)}`,
    { cause: err });
}

/**
 * Why a fetch failed, from its cause: fetch itself says only "fetch failed",
 * its cause says what happened (ECONNREFUSED, "other side closed").
 */
export function unreachableReason(err: unknown, timeoutMs: number): string {
  const name = err instanceof Error ? err.name : '';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  return name === 'TimeoutError'
    ? `no answer within ${timeoutMs} ms`
    : cause || (err instanceof Error ? err.message : String(err));
}

function problemError(method: string, url: string, res: Response, text: string,
  tokenHint: string) {
  let problem: ProblemBody = {};
  try {
    problem = JSON.parse(text) as ProblemBody;
  } catch {
    // Not problem+json (a proxy's error page): report the status.
  }
  const code = typeof problem.code === 'string' ? problem.code : 'registry_error';
  const detail = typeof problem.detail === 'string'
    ? problem.detail
    : `${method} ${new URL(url).pathname} answered ${res.status} ${res.statusText}`;
  const issues = Array.isArray(problem.issues) ? (problem.issues as Issue[]) : [];
  // The registry speaks HTTP; the command's user sets a token with a flag or the environment,
  // and, with two registries in one command (a mirror), must know which one refused.
  const hint = res.status === 401 ? ` (${tokenHint})` : '';
  return new RegistryRequestError(code, `${detail}${hint}`, { status: res.status, issues,
    details: { status: res.status } });
}

/** Reads a response body, refusing one past `limit` bytes (shared by the HTTP clients). */
export async function readBounded(res: Response, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > limit) {
      await res.body.cancel().catch(() => undefined);
      throw new RegistryRequestError('registry_error',
        `${res.url}: the answer is larger than ${limit} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
