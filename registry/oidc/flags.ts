/**
 * `--oidc-issuer URL --oidc-audience AUD --oidc-claims-map FILE` (or env
 * `CORDUM_OIDC_ISSUER`, `CORDUM_OIDC_AUDIENCE`, `CORDUM_OIDC_CLAIMS_MAP`).
 * Issuer and audience come together or not at all; without a claims map
 * an SSO caller only reads.
 */
import { readFileSync } from 'node:fs';
import { PackError } from '../../packs/errors.js';
import { parseClaimsMap } from './claims.js';
import type { OidcConfig } from './verify.js';

export interface OidcFlags {
  oidcIssuer?: string;
  oidcAudience?: string;
  oidcClaimsMap?: string;
}

export function oidcFromFlags(flags: OidcFlags, env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const issuer = flags.oidcIssuer ?? (env.CORDUM_OIDC_ISSUER || undefined);
  const audience = flags.oidcAudience ?? (env.CORDUM_OIDC_AUDIENCE || undefined);
  const mapFile = flags.oidcClaimsMap ?? (env.CORDUM_OIDC_CLAIMS_MAP || undefined);
  if (issuer === undefined && audience === undefined) {
    // A map given on the command line with no issuer would be ignored: say so.
    if (flags.oidcClaimsMap === undefined) return undefined;
    throw new PackError('usage', '--oidc-claims-map is used only with --oidc-issuer and ' +
      '--oidc-audience: add them, or drop --oidc-claims-map');
  }
  if (issuer === undefined || audience === undefined) {
    throw new PackError('usage', '--oidc-issuer and --oidc-audience go together');
  }
  if (!/^https?:\/\/[^\s]+$/.test(issuer)) {
    throw new PackError('usage', `--oidc-issuer ${issuer}: expected an http(s) URL`);
  }
  const claimsMap = mapFile === undefined ? { claim: 'groups', groups: {} }
    : parseClaimsMap(readMap(mapFile), mapFile);
  return { issuer, audience, claimsMap };
}

function readMap(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PackError('file_missing', `--oidc-claims-map ${file}: cannot be read`,
      { cause: err });
  }
}
