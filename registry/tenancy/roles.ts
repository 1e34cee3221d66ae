/**
 * Roles in a publisher and what they allow. A reader sees the publisher's
 * private packs; a maintainer also publishes, yanks, tags and deprecates;
 * an owner also manages members, keys' trust and visibility. A token's
 * scopes still cap what its holder may do: a `read` token of an owner reads.
 */
import { RegistryError } from '../errors.js';
import type { Actor } from '../store/tokens.js';

export type Role = 'owner' | 'maintainer' | 'reader';

export const ROLES: readonly Role[] = ['owner', 'maintainer', 'reader'];

const RANK: Record<Role | 'admin', number> = { reader: 1, maintainer: 2, owner: 3, admin: 4 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The actor's role in `publisher`: `admin` for a registry admin; the role
 * of its memberships; and, for a token bound to a publisher without a
 * subject (a service token), owner of that publisher.
 */
export function roleIn(actor: Actor | undefined, publisher: string): Role | 'admin' | undefined {
  if (!actor) return undefined;
  if (actor.scopes.includes('admin')) return 'admin';
  const member = actor.memberships?.[publisher];
  if (actor.subject === undefined && actor.publisher === publisher) return 'owner';
  return member;
}

export function hasRole(actor: Actor | undefined, publisher: string, least: Role): boolean {
  const role = roleIn(actor, publisher);
  return role !== undefined && RANK[role] >= RANK[least];
}

/** Throws `forbidden` unless the actor holds `least` (or more) in `publisher`. */
export function assertRole(actor: Actor, publisher: string, least: Role): void {
  if (hasRole(actor, publisher, least)) return;
  throw new RegistryError(
    'forbidden',
    `this needs the ${least} role in publisher ${publisher}; the caller has ${
      roleIn(actor, publisher) ?? 'none'}`,
  );
}

/** The publishers whose private packs the actor may see; `all` for an admin. */
export function readablePublishers(actor: Actor | undefined): Set<string> | 'all' {
  if (!actor) return new Set();
  if (actor.scopes.includes('admin')) return 'all';
  const out = new Set(Object.keys(actor.memberships ?? {}));
  if (actor.subject === undefined) out.add(actor.publisher);
  return out;
}
