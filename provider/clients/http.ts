/**
 * HTTP to Cordum's services: JSON in and out, problem+json errors turned
 * into ProviderErrors whose hint says what to do, a deadline on every call,
 * and one retry of reads that met a passing failure (and of any call whose
 * kept-alive connection turned out closed).
 */
import { ProviderError, type ProviderErrorCode } from '../errors.js';
import {
  multipart,
  newAgents,
  send,
  StoppedError,
  TimeoutError,
  type Agents,
  type Exchange,
  type FilePart,
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

interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  issues?: { path?: string; message?: string }[];
}

function codeFor(status: number): ProviderErrorCode {
  if (status === 401) return 'registry_unauthorized';
  if (status === 403) return 'registry_forbidden';
  if (status === 404) return 'registry_not_found';
  if (status === 409 || status === 412) return 'registry_conflict';
  if (status === 400 || status === 422) return 'registry_invalid_request';
  if (status === 429) return 'registry_rate_limited';
  if (status >= 500) return 'registry_server_error';
  return 'registry_error';
}

/** What to do about a refusal; the registry's own code says more than the status. */
const HINTS_BY_CODE: Record<string, string> = {
  signature_unknown_key: 'Register the signing key for the publisher first (a ' +
    '`cordum_publisher_key`, or `cordum registry key add`), then apply again.',
};

function hintFor(status: number, service: string, code?: string): string {
  if (code !== undefined && HINTS_BY_CODE[code]) return HINTS_BY_CODE[code];
  if (status === 401) {
    return 'Set `token` in the provider block (or CORDUM_TOKEN) to a valid token.';
  }
  if (status === 403) return 'Use a token whose scopes allow this change.';
  if (status === 409 || status === 412) {
    return 'Bring it under Terraform with `terraform import`, or rename it.';
  }
  if (status === 429) {
    return `The ${service} kept refusing requests for their rate after ${RATE_LIMIT_WAITS} ` +
      'waits: run terraform with a lower -parallelism, or ask its operator to raise the ' +
      'limit (`--rate-limit-token`, `--rate-limit-address`).';
  }
  if (status >= 500) return `The ${service} failed on its side; check its log and try again.`;
  return '';
}

function problemOf(response: Exchange): Problem {
  const text = response.body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Problem) : { detail: text };
  } catch {
    return { detail: text.slice(0, 300) };
  }
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
 * A 2xx answer's JSON. Another server at the URL (a web app answering every path with its
 * HTML page) failed here as "Unexpected Provider Error ... a bug in the Cordum provider".
 */
function answerOf<T>(response: Exchange, method: string, url: URL, service: string): T {
  const text = response.body.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    const start = text.slice(0, 60).replace(/\s+/g, ' ').trim();
    throw new ProviderError('config_invalid',
      `${url.origin} answered ${method} ${url.pathname} (${response.status}) with something ` +
        `other than JSON ("${start}${text.length > 60 ? '...' : ''}"), so it is not a ` +
        `Cordum ${service}.`, {
        hint: `Set registry_url (or CORDUM_REGISTRY) to the ${service}'s base URL, such as ` +
          '"http://127.0.0.1:7800".',
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

/** How often a rate-limited request waits and is sent again before the 429 is an error. */
const RATE_LIMIT_WAITS = 5;

/** `Retry-After` in seconds (1 when absent or a date), at most 10 s a wait. */
function retryAfterMs(header: string | undefined): number {
  const seconds = header !== undefined && /^\d+$/.test(header.trim()) ? Number(header) : 1;
  return Math.min(Math.max(seconds, 1), 10) * 1000;
}

function staleSocket(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/**
 * What to do about a write whose answer never came (`how`: the connection dropped, or the
 * deadline passed): it may have been made. Null for a read, which changed nothing.
 */
function unansweredWriteHint(how: string, method: string, service: string,
  createOnly: boolean): string | null {
  if (method === 'GET' || method === 'HEAD') return null;
  const may = `${how}, so the ${service} may have made the`;
  if (method === 'POST') {
    return `${may} object: look for it before applying again, and bring it under Terraform ` +
      'with `terraform import` (a token made this way should be revoked, as its secret is ' +
      'lost: the registry logs its id on its `token created` line).';
  }
  // Not recorded in state, a create-only write made this way is refused (412) by the next
  // apply: applying again does not set the same values.
  if (createOnly) {
    return `${may} object: if the next apply says it exists already, bring it under ` +
      'Terraform with `terraform import`.';
  }
  return `${may} change: the next plan shows what it holds, and applying again sets the ` +
    'same values.';
}

/** Node's codes for a TLS peer that could not be verified (its chain, dates or name). */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Said apart from "nothing listening": its hint (check the URL, is the registry running)
 * sent users who only lacked the registry's CA looking in the wrong place.
 */
function untrustedCertificate(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CERTIFICATE_CODES.has(code);
}

function networkError(
  err: unknown,
  method: string,
  url: URL,
  service: string,
  timeoutMs: number,
  createOnly: boolean,
): ProviderError {
  if (err instanceof StoppedError) {
    const unsure = unansweredWriteHint('It was already sent', method, service, createOnly);
    return new ProviderError('stopped',
      `Terraform was interrupted during ${method} ${url.pathname}, so the provider stopped ` +
        `waiting for the ${service}.`,
      { hint: unsure ?? 'Nothing was changed by it.', cause: err });
  }
  if (err instanceof TimeoutError) {
    // "Try again" alone would make a second token (or publish again) after a slow create.
    const unsure = unansweredWriteHint('The request may have reached it before the deadline',
      method, service, createOnly);
    return new ProviderError(
      'registry_timeout',
      `The ${service} did not answer ${method} ${url.pathname} within ${timeoutMs / 1000} s.`,
      {
        hint: unsure ? `${unsure} Raise \`timeout_seconds\` in the provider block if it is ` +
          'slow.' : 'Try again, or raise `timeout_seconds` in the provider block.',
        cause: err,
      },
    );
  }
  const cause =
    err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
  if (untrustedCertificate(err)) {
    return new ProviderError('registry_untrusted',
      `The ${service} at ${url.origin} presented a certificate this machine does not trust ` +
        `(${err instanceof Error ? err.message : cause}).`, {
        hint: (err as { code?: string }).code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'Use the host name the certificate was made for in the URL.'
          : 'Give terraform the CA certificate that signed it: NODE_EXTRA_CA_CERTS=<PEM file>.',
        cause: err,
      });
  }
  // A connection that dropped once the request was out: the write may have been made.
  const dropped = staleSocket(err)
    ? unansweredWriteHint('The connection dropped after the request was sent', method, service,
      createOnly)
    : null;
  const hint = dropped ?? `Check the provider's URL setting and that the ${service} is running.`;
  const message = dropped
    ? `Lost the connection to the ${service} at ${url.origin} during ${method} ${
      url.pathname}: ${cause}.`
    : `Could not reach the ${service} at ${url.origin}: ${cause}.`;
  return new ProviderError('registry_unreachable', message, { hint, cause: err });
}

/**
 * A redirect (a proxy sending http to https, an old address): not followed, as that would
 * send the token on to wherever it points; the URL to configure is where it leads.
 */
function redirected(response: Exchange, method: string, url: URL, service: string,
  apiPath: string) {
  const to = response.location ? new URL(response.location, url) : undefined;
  const base = to?.pathname.endsWith(apiPath)
    ? `${to.origin}${to.pathname.slice(0, to.pathname.length - apiPath.length)}` : undefined;
  return new ProviderError('config_invalid',
    `The ${service} answered ${method} ${url.pathname} with a redirect (${response.status}) ` +
      `to ${to ? to.href : 'an address it did not give'}; the provider does not follow ` +
      'redirects, which would send the token on to another address.', {
      hint: base
        ? `Set registry_url (or CORDUM_REGISTRY) to "${base}".`
        : `Set registry_url (or CORDUM_REGISTRY) to the ${service}'s own address.`,
      status: response.status,
    });
}

function httpError(response: Exchange, method: string, url: URL, service: string,
  apiPath: string): ProviderError {
  if (response.status >= 300 && response.status < 400) {
    return redirected(response, method, url, service, apiPath);
  }
  const problem = problemOf(response);
  const issues = (problem.issues ?? [])
    .map((i) => `${i.path ?? ''}: ${i.message ?? ''}`)
    .join('; ');
  // An empty body (a proxy's bare 502) has no detail to show: "(502): ." said nothing.
  const what = problem.detail || problem.title || `status ${response.status}`;
  const remote = problem.code ? ` [${problem.code}]` : '';
  return new ProviderError(
    codeFor(response.status),
    `The ${service} refused ${method} ${url.pathname} (${response.status}${remote}): ${what}` +
      (issues ? ` (${issues})` : '') +
      '.',
    {
      hint: hintFor(response.status, service, problem.code),
      status: response.status,
      ...(problem.code ? { remoteCode: problem.code } : {}),
      remotePaths: (problem.issues ?? []).flatMap((i) =>
        typeof i.path === 'string' ? [i.path] : []),
    },
  );
}
