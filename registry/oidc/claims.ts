/**
 * The claims map: which claim of an ID token names groups, and what each
 * group grants. A file such as
 * `{ "claim": "groups", "groups": { "acme-devs": { "publisher": "acme",
 * "role": "maintainer" }, "registry-admins": { "admin": true } } }`.
 */
import { parseJson } from '../../packs/documents.js';
import { unknownFieldText } from '../../packs/policy/request.js';
import { RegistryError } from '../errors.js';
import { assertPublisher } from '../store/publishers.js';
import type { Scope } from '../store/tokens.js';
import { isRole, type Role } from '../tenancy/roles.js';

export type Grant = { publisher: string; role: Role } | { admin: true };

export interface ClaimsMap {
  /** The claim holding the caller's groups (a string or a list of strings). */
  claim: string;
  groups: Record<string, Grant[]>;
}

function grantOf(value: unknown, where: string): Grant {
  const g = (value ?? {}) as Record<string, unknown>;
  if (g.admin === true) return { admin: true };
  if (typeof g.publisher !== 'string' || !isRole(g.role)) {
    throw new RegistryError('request_invalid', `${where}: expected { publisher, role } or ` +
      '{ admin: true }');
  }
  assertPublisher(g.publisher);
  return { publisher: g.publisher, role: g.role };
}

const FIELDS = ['claim', 'groups'] as const;

/**
 * Reads a claims-map document (JSON text); throws naming the bad entry. A field it does not
 * know, or a `claim` that names no claim, is refused rather than read as the default: either
 * would leave every SSO caller a reader with no sign of why.
 */
export function parseClaimsMap(text: string, file: string): ClaimsMap {
  const doc = parseJson(text, file) as Record<string, unknown> | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RegistryError('request_invalid', `${file}: expected an object { claim, groups }`);
  }
  const unknown = Object.keys(doc).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined) {
    throw new RegistryError('request_invalid',
      `${file}: ${unknown}: ${unknownFieldText(unknown, FIELDS)}`);
  }
  if (doc.claim !== undefined && (typeof doc.claim !== 'string' || doc.claim === '')) {
    throw new RegistryError('request_invalid', `${file}: claim: expected the name of the ` +
      `token's claim that lists groups, such as "groups", not ${JSON.stringify(doc.claim)}`);
  }
  const claim = doc.claim ?? 'groups';
  const groups: Record<string, Grant[]> = {};
  const raw = (doc.groups ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RegistryError('request_invalid', `${file}: \`groups\` must be an object`);
  }
  for (const [group, value] of Object.entries(raw)) {
    const list = Array.isArray(value) ? value : [value];
    groups[group] = list.map((g, i) => grantOf(g, `${file}: groups.${group}[${i}]`));
  }
  return { claim, groups };
}

const RANK: Record<Role, number> = { reader: 1, maintainer: 2, owner: 3 };

/** What the token's groups grant: memberships (highest role wins) and scopes. */
export function grantsOf(map: ClaimsMap, claims: Record<string, unknown>):
  { memberships: Record<string, Role>; scopes: Scope[] } {
  const value = claims[map.claim];
  const names = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string' ? [value] : [];
  const memberships: Record<string, Role> = {};
  let admin = false;
  for (const grant of names.flatMap((n) => (Object.hasOwn(map.groups, n) ? map.groups[n]! : []))) {
    if ('admin' in grant) {
      admin = true;
      continue;
    }
    const had = memberships[grant.publisher];
    if (!had || RANK[grant.role] > RANK[had]) memberships[grant.publisher] = grant.role;
  }
  const writes = Object.values(memberships).some((r) => r !== 'reader');
  const scopes: Scope[] = admin ? ['admin'] : writes ? ['read', 'publish', 'keys'] : ['read'];
  return { memberships, scopes };
}
