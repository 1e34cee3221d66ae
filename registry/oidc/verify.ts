/**
 * Single sign-on: an OIDC ID token (a JWT signed RS256 or ES256 by the
 * configured issuer) sent as the Bearer token. Checked: the signature with
 * the issuer's published key, `iss`, `aud`, `exp` and `nbf`; then the
 * claims map turns its groups into memberships and scopes.
 */
import { createHash, verify as verifySignature } from 'node:crypto';
import { RegistryError } from '../errors.js';
import type { Actor } from '../store/tokens.js';
import { grantsOf, type ClaimsMap } from './claims.js';
import { IssuerKeys } from './jwks.js';

export interface OidcConfig {
  issuer: string;
  audience: string;
  claimsMap: ClaimsMap;
}

const LEEWAY_S = 60;
const ALGORITHMS = new Set(['RS256', 'ES256']);

/** A compact JWS has three base64url parts; registry tokens have none of its dots. */
export function looksLikeJwt(secret: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(secret);
}

function part(text: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through to the refusal
  }
  throw new RegistryError('token_invalid', `the ID token's ${what} is not a JSON object`);
}

function refuse(why: string): never {
  throw new RegistryError('token_invalid', `the ID token is refused: ${why}`);
}

function checkClaims(config: OidcConfig, claims: Record<string, unknown>, nowS: number) {
  if (claims.iss !== config.issuer) refuse(`issuer ${String(claims.iss)} is not ${config.issuer}`);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(config.audience)) refuse(`audience is not ${config.audience}`);
  if (typeof claims.exp !== 'number') refuse('it has no exp');
  if (claims.exp + LEEWAY_S <= nowS) refuse(`it expired at ${new Date(claims.exp * 1000)
    .toISOString()}`);
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_S > nowS) refuse('it is not valid yet');
  if (typeof claims.sub !== 'string' || claims.sub === '') refuse('it has no sub');
}

export class OidcVerifier {
  private readonly keys: IssuerKeys;

  constructor(private readonly config: OidcConfig, private readonly now: () => Date) {
    this.keys = new IssuerKeys({ issuer: config.issuer, ttlMs: 5 * 60_000, refreshMs: 30_000,
      timeoutMs: 5_000, now: () => now().getTime() });
  }

  /** The actor an ID token stands for; `token_invalid` when any check fails. */
  async actorOf(jwt: string): Promise<Actor> {
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const header = part(h, 'header');
    if (typeof header.alg !== 'string' || !ALGORITHMS.has(header.alg)) {
      refuse(`algorithm ${String(header.alg)} is not RS256 or ES256`);
    }
    if (typeof header.kid !== 'string') refuse('its header names no key (kid)');
    const key = await this.keys.key(header.kid);
    if (!key) refuse(`the issuer publishes no key ${header.kid}`);
    const expected = header.alg === 'RS256' ? 'rsa' : 'ec';
    if (key.asymmetricKeyType !== expected) refuse(`key ${header.kid} is not for ${header.alg}`);
    const signed = Buffer.from(`${h}.${p}`);
    const signature = Buffer.from(s, 'base64url');
    const ok = header.alg === 'RS256'
      ? verifySignature('sha256', signed, key, signature)
      : verifySignature('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (!ok) refuse('the signature does not verify');

    const claims = part(p, 'payload');
    checkClaims(this.config, claims, Math.floor(this.now().getTime() / 1000));
    const { memberships, scopes } = grantsOf(this.config.claimsMap, claims);
    const subject = `oidc:${String(claims.sub)}`;
    const publisher = Object.keys(memberships).sort()[0] ?? 'default';
    // Two tokens of one subject may carry other groups: the id tells them apart (read caches).
    const grants = createHash('sha256').update(JSON.stringify([scopes, Object.entries(memberships)
      .sort()])).digest('hex').slice(0, 16);
    return { tokenId: `${subject}#${grants}`, publisher, scopes, subject, memberships };
  }
}
