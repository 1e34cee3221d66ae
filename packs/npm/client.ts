/**
 * The one HTTP client of the npm registry protocol, for the two calls packs
 * need: a packument (`GET /<name>`) with its tarballs, and a publish (`PUT
 * /<name>` with the tarball as a base64 attachment). Every call has a
 * timeout and a size cap; the bearer token goes only to the registry's own
 * origin. Failures are `RegistryRequestError`s with the registry codes.
 */
import { readBounded, RegistryRequestError } from '../client/registry.js';
import { escapedNpmName } from './name.js';
import { npmPackageLimits } from './read.js';

/** One version of a packument, as far as packs read it. */
export interface PackumentVersion {
  name: string;
  version: string;
  dist: { tarball: string; integrity?: string; shasum?: string };
  cordum?: unknown;
  deprecated?: string;
  [field: string]: unknown;
}

export interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, PackumentVersion>;
  time?: Record<string, string>;
}

export interface NpmClientOptions {
  /** The registry's base URL, e.g. `http://127.0.0.1:4873/`. */
  url: string;
  token?: string;
  timeoutMs?: number;
  maxDownloadBytes?: number;
}

// npm answers errors as `{ "error": "..." }`; our registry as problem+json.
const CODE_BY_STATUS: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'pack_not_found',
  409: 'version_exists',
  413: 'payload_too_large',
};

export class NpmClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxDownloadBytes: number;

  constructor(options: NpmClientOptions) {
    this.url = options.url.endsWith('/') ? options.url : `${options.url}/`;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    // An npm package of a pack at the size limit must still download.
    this.maxDownloadBytes = options.maxDownloadBytes ?? npmPackageLimits().maxUploadBytes;
  }

  /** The URL of a package's packument. */
  packumentUrl(name: string): string {
    return new URL(escapedNpmName(name), this.url).href;
  }

  async packument(name: string): Promise<Packument> {
    const res = await this.send('GET', this.packumentUrl(name));
    const text = (await this.read(res)).toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new RegistryRequestError('registry_error', `GET ${name}: the npm registry answered ` +
        'a body that is not JSON', { cause: err });
    }
    if (!isPackument(doc)) {
      throw new RegistryRequestError('registry_error', `GET ${name}: the answer is not a ` +
        'packument (no versions map)');
    }
    return doc;
  }

  async download(url: string): Promise<Buffer> {
    return this.read(await this.send('GET', url));
  }

  /** `npm publish`: PUT the new version's packument with its tarball attached. */
  async publish(name: string, body: object): Promise<void> {
    const res = await this.send('PUT', this.packumentUrl(name), JSON.stringify(body));
    await this.read(res);
  }

  private async send(method: string, url: string, body?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token && new URL(url).origin === new URL(this.url).origin) {
      headers.authorization = `Bearer ${this.token}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const why = err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${this.timeoutMs} ms`
        : err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new RegistryRequestError('registry_unreachable',
        `${method} ${url}: cannot reach the npm registry: ${why}`, { cause: err });
    }
    if (!res.ok) throw await failure(method, url, res);
    return res;
  }

  private read(res: Response): Promise<Buffer> {
    return readBounded(res, this.maxDownloadBytes);
  }
}

function isPackument(doc: unknown): doc is Packument {
  if (!doc || typeof doc !== 'object') return false;
  const d = doc as Record<string, unknown>;
  return typeof d.versions === 'object' && d.versions !== null && !Array.isArray(d.versions);
}

async function failure(method: string, url: string, res: Response) {
  const text = await res.text().catch(() => '');
  let said = '';
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown; reason?: unknown; detail?: unknown;
      code?: unknown };
    said = [body.detail, body.error, body.reason].find((v) => typeof v === 'string') as string
      ?? '';
    if (typeof body.code === 'string') code = body.code;
  } catch {
    said = text.slice(0, 200);
  }
  const path = new URL(url).pathname;
  return new RegistryRequestError(code ?? CODE_BY_STATUS[res.status] ?? 'registry_error',
    `${method} ${path} answered ${res.status}${said ? `: ${said}` : ''}`,
    { status: res.status, details: { status: res.status } });
}
