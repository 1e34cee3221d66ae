/**
 * An OIDC issuer for tests, on 127.0.0.1: serves its discovery document
 * and JWKS with node:http and signs ID tokens (RS256, ES256) with
 * node:crypto. Keys may be added to rotate.
 */
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface TestIssuer {
  url: string;
  /** Signs claims with key `kid` (RS256 for `rsa-*` ids, ES256 for `ec-*`). */
  token(claims: Record<string, unknown>, kid?: string, alg?: string): string;
  addKey(kid: string): void;
  jwksFetches(): number;
  close(): Promise<void>;
}

const b64 = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

export async function startIssuer(): Promise<TestIssuer> {
  const keys = new Map<string, KeyObject>();
  const addKey = (kid: string) => {
    const pair = kid.startsWith('ec-') ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys.set(kid, pair.privateKey);
  };
  addKey('rsa-1');
  addKey('ec-1');
  let fetches = 0;
  let url = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks` }));
    } else if (req.url === '/jwks') {
      fetches++;
      res.end(JSON.stringify({ keys: [...keys].map(([kid, k]) => ({
        ...k.export({ format: 'jwk' }), d: undefined, p: undefined, q: undefined,
        dp: undefined, dq: undefined, qi: undefined, kid, use: 'sig' })) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token(claims, kid = 'rsa-1', alg) {
      const key = keys.get(kid)!;
      const algorithm = alg ?? (kid.startsWith('ec-') ? 'ES256' : 'RS256');
      const head = `${b64({ alg: algorithm, kid, typ: 'JWT' })}.${b64(claims)}`;
      const sig = kid.startsWith('ec-')
        ? sign('sha256', Buffer.from(head), { key, dsaEncoding: 'ieee-p1363' })
        : sign('sha256', Buffer.from(head), key);
      return `${head}.${b64(sig)}`;
    },
    addKey,
    jwksFetches: () => fetches,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
