/**
 * What the provider says of an exchange that went wrong: a refusal of the
 * service (problem+json) as a ProviderError whose hint says what to do, a
 * redirect, an answer that is not JSON, and a network failure, which for a
 * write that may have been made says so.
 */
import { ProviderError, type ProviderErrorCode } from '../errors.js';
import { StoppedError, TimeoutError, type Exchange } from './transport.js';

/** How often a rate-limited request waits and is sent again before the 429 is an error. */
export const RATE_LIMIT_WAITS = 5;

export interface Problem {
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

export function problemOf(response: Exchange): Problem {
  const text = response.body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Problem) : { detail: text };
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

/**
 * A 2xx answer's JSON. Another server at the URL (a web app answering every path with its
 * HTML page) failed here as "Unexpected Provider Error ... a bug in the Cordum provider".
 */
export function answerOf<T>(response: Exchange, method: string, url: URL, service: string): T {
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

export function staleSocket(err: unknown): boolean {
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

export function networkError(
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

export function httpError(response: Exchange, method: string, url: URL, service: string,
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
