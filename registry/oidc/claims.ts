/**
 * The claims map: which claim of an ID token names groups, and what each
 * group grants. A file such as
 * `{ "claim": "groups", "groups": { "acme-devs": { "publisher": "acme",
 * "role": "maintainer" }, "registry-admins": { "admin": true } } }`.
 */
import { parseJson } from '../../packs/documents.js';
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

/** Reads a claims-map document (JSON text); throws naming the bad entry. */
export function parseClaimsMap(text: string, file: string): ClaimsMap {
  const doc = parseJson(text, file) as Record<string, unknown>;
  const claim = typeof doc.claim === 'string' && doc.claim !== '' ? doc.claim : 'groups';
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
