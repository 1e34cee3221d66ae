/**
 * HTTP to Cordum's services: JSON in and out, problem+json errors turned
 * into ProviderErrors whose hint says what to do (http_errors.ts), a deadline
 * on every call, and one retry of reads that met a passing failure (and of any
 * call whose kept-alive connection turned out closed).
 */
import { ProviderError } from '../errors.js';
import {
  answerOf, httpError, networkError, problemOf, RATE_LIMIT_WAITS, staleSocket, type Problem,
} from './http_errors.js';
import {
  multipart, newAgents, send, type Agents, type Exchange, type FilePart,
} from './transport.js';

export interface HttpOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  /** Named in messages: "registry", "engine". */
  service: string;
  userAgent: string;
  /** A PEM file of extra CA certificates for https (see EXTRA_CA_VARIABLE). */
  extraCaFile?: string;
  /**
   * A path the service always answers (`/v1/health`), asked once before a `nullOn` 404
   * is believed: see `confirmService`.
   */
  healthPath?: string;
}

export interface RequestOptions {
  json?: unknown;
  files?: FilePart[];
  query?: Record<string, string>;
  /** Statuses answered as `null` instead of an error (404 on a read). */
  nullOn?: number[];
  /** Create only (`If-None-Match: *`): the registry answers 412 where the object exists. */
  createOnly?: boolean;
}

export class HttpClient {
  private readonly agents: Agents;
  /** Set once the base URL was seen to serve the service (its health path answered). */
  private confirmed = false;
  /** Aborted by `stop()`: cuts the exchanges in flight and refuses new ones. */
  private readonly stopper = new AbortController();

  constructor(readonly options: HttpOptions) {
    this.agents = newAgents(options.extraCaFile);
  }

  /**
   * Terraform stops the provider when the user presses Ctrl-C, then waits for the calls in
   * flight: without this, a slow or hung registry held it there for `timeout_seconds`.
   */
  stop(): void {
    this.stopper.abort();
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.once<T>(method, path, opts);
      } catch (err) {
        // A create-only write sent twice would find what its first try made.
        if (attempt >= 1 || opts.createOnly || !retryable(err, method)) throw err;
        await this.pause(200);
      }
    }
  }

  private async once<T>(method: string, path: string, opts: RequestOptions): Promise<T | null> {
    const { baseUrl, token, timeoutMs, service } = this.options;
    const url = new URL(`${baseUrl}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.createOnly) headers['if-none-match'] = '*';
    let body: Buffer | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = Buffer.from(JSON.stringify(opts.json));
    } else if (opts.files) {
      const form = multipart(opts.files);
      headers['content-type'] = form.contentType;
      body = form.body;
    }

    let response: Exchange;
    try {
      response = await this.paced(url, method, headers, body);
    } catch (err) {
      throw networkError(err, method, url, service, timeoutMs, opts.createOnly === true);
    }
    if (opts.nullOn?.includes(response.status)) {
      if (response.status === 404) await this.confirmService(method, url);
      return null;
    }
    if (response.status < 200 || response.status >= 300) {
      // The API's own path, after any path of the base URL.
      const apiPath = url.pathname.slice(new URL(baseUrl).pathname.replace(/\/$/, '').length);
      throw httpError(response, method, url, service, apiPath);
    }
    if (response.status === 204 || response.body.length === 0) return null;
    return answerOf<T>(response, method, url, service);
  }

  /**
   * One exchange, sent again after the wait a 429 asks for (`Retry-After`), a few times:
   * Terraform refreshes ten objects at once, which a registry with a low
   * `--rate-limit-token` refused, failing the plan. The rate limit refuses a request
   * before any route sees it, so sending it again is safe for a create too.
   */
  private async paced(url: URL, method: string, headers: Record<string, string>,
    body: Buffer | undefined): Promise<Exchange> {
    for (let waits = 0; ; waits += 1) {
      const response = await send(this.agents, url, method, headers, body,
        this.options.timeoutMs, this.stopper.signal);
      if (response.status !== 429 || waits >= RATE_LIMIT_WAITS) return response;
      await this.pause(retryAfterMs(response.retryAfter));
    }
  }

  /** Waits `ms`, or less once stopped (the next send then fails at once). */
  private pause(ms: number): Promise<void> {
    const signal = this.stopper.signal;
    return new Promise((done) => {
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        done();
      }, { once: true });
    });
  }

  /**
   * A 404 means "gone" only from the service itself. A base URL with a wrong path
   * (`.../v1`, a typo) or another server answers 404 to every request, and taken as gone
   * that made refresh drop every object from state and destroy report objects deleted
   * that still live (a token not revoked). So the health path is asked once first.
   */
  private async confirmService(method: string, url: URL): Promise<void> {
    const { baseUrl, healthPath, service, timeoutMs } = this.options;
    if (this.confirmed || !healthPath) return;
    const health = new URL(`${baseUrl}${healthPath}`);
    let answer: Exchange;
    try {
      answer = await this.paced(health, 'GET', { accept: 'application/json' }, undefined);
    } catch (err) {
      throw networkError(err, 'GET', health, service, timeoutMs, false);
    }
    const said = problemOf(answer) as Problem & { status?: unknown };
    this.confirmed = answer.status === 200 && said.status === 'ok';
    if (this.confirmed) return;
    const why = said.detail ?? said.title ?? `status ${answer.status}`;
    throw new ProviderError('config_invalid',
      `${baseUrl} answered 404 to ${method} ${url.pathname}, and its health check GET ${
        health.pathname} answered ${answer.status} (${why}), so it is not the base URL of a ` +
        `Cordum ${service}: the provider cannot tell whether the object is gone.`, {
        hint: `Set registry_url (or CORDUM_REGISTRY) to the ${service}'s base URL, such as ` +
          '"http://127.0.0.1:7800", with no "/v1" or other path it does not serve.',
      });
  }
}

/**
 * One more try: reads after any passing failure; reads, replacing writes and
 * deletes when a kept-alive connection turned out closed (sending those twice
 * does what sending them once does). Never a POST: a connection that drops
 * after the request went out cannot tell whether the registry acted on it,
 * and a second create would leave the first behind (a live token nobody holds).
 */
function retryable(err: unknown, method: string): boolean {
  if (!(err instanceof ProviderError)) return false;
  if (!IDEMPOTENT.has(method)) return false;
  if (err.code === 'registry_unreachable' && staleSocket(err.cause)) return true;
  if (method !== 'GET') return false;
  return err.code === 'registry_unreachable' || err.status === 502 || err.status === 503;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** `Retry-After` in seconds (1 when absent or a date), at most 10 s a wait. */
function retryAfterMs(header: string | undefined): number {
  const seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header) : 1;
  return Math.min(Math.max(seconds, 1), 10) * 1000;
}
