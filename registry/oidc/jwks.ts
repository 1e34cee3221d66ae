/**
 * The issuer's signing keys: its discovery document
 * (`<issuer>/.well-known/openid-configuration`) names `jwks_uri`; the JWKS
 * is cached for `ttlMs` and fetched again (at most every `refreshMs`) when
 * a token names a key id not in it, so a rotation at the issuer is seen.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { RegistryError } from '../errors.js';

export interface JwksOptions {
  issuer: string;
  ttlMs: number;
  refreshMs: number;
  timeoutMs: number;
  now: () => number;
}

interface Cached {
  keys: Map<string, KeyObject>;
  fetchedAt: number;
}

async function getJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    throw new RegistryError('service_unavailable', `the SSO issuer did not answer ${url}`,
      { cause: err });
  }
  if (!res.ok) {
    throw new RegistryError('service_unavailable', `the SSO issuer answered ${res.status} for ${
      url}`);
  }
  return (await res.json()) as Record<string, unknown>;
}

export class IssuerKeys {
  private cached: Cached | undefined;
  private loading: Promise<Cached> | undefined;

  constructor(private readonly options: JwksOptions) {}

  /** The key `kid`, fetching the JWKS when it is stale or lacks that key. */
  async key(kid: string): Promise<KeyObject | undefined> {
    const now = this.options.now();
    const fresh = this.cached && now - this.cached.fetchedAt < this.options.ttlMs;
    const mayRefresh = !this.cached || now - this.cached.fetchedAt >= this.options.refreshMs;
    if (!fresh || (!this.cached!.keys.has(kid) && mayRefresh)) this.cached = await this.load();
    return this.cached!.keys.get(kid);
  }

  private load(): Promise<Cached> {
    this.loading ??= this.fetchKeys().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async fetchKeys(): Promise<Cached> {
    const base = this.options.issuer.replace(/\/+$/, '');
    const discovery = await getJson(`${base}/.well-known/openid-configuration`,
      this.options.timeoutMs);
    if (typeof discovery.jwks_uri !== 'string') {
      throw new RegistryError('service_unavailable', 'the SSO discovery document has no jwks_uri');
    }
    const jwks = await getJson(discovery.jwks_uri, this.options.timeoutMs);
    const keys = new Map<string, KeyObject>();
    for (const jwk of Array.isArray(jwks.keys) ? jwks.keys as JsonWebKey[] : []) {
      if (typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A key this runtime cannot read is skipped; a token naming it is refused.
      }
    }
    return { keys, fetchedAt: this.options.now() };
  }
}
