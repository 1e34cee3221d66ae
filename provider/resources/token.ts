/**
 * `cordum_token`: a registry token with scopes and an optional expiry. The
 * secret is sensitive and known only after create (and never after an
 * import). Every change replaces the token.
 */
import type { CordumClient } from '../config.js';
import type { TokenInfo } from '../clients/registry_types.js';
import { mustStr, str, strings } from '../framework/access.js';
import type { Resource, State } from '../framework/resource.js';
import { types } from '../framework/types.js';
import { ProviderError } from '../errors.js';
import { warning, type Diagnostic } from '../framework/diagnostics.js';
import { isUnknown, isWhollyKnown } from '../framework/values.js';
import {
  allOf, distinctList, eachOf, maxChars, nonEmpty, oneOf, publisherName, rfc3339,
} from '../validators.js';

const SCOPES = ['read', 'publish', 'keys', 'admin'] as const;

/** The scopes as a set, in one order: the registry keeps a set, however it was listed. */
function scopeSet(value: unknown): string | null {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return null;
  return JSON.stringify([...new Set(value as string[])].sort());
}

function stateOf(t: TokenInfo & { publisher?: string }, prior: State): State {
  return {
    ...prior,
    id: t.id,
    name: t.name,
    // The configured order of the same scopes, so listing them otherwise is no change.
    scopes: scopeSet(prior.scopes) !== null && scopeSet(prior.scopes) === scopeSet(t.scopes)
      ? prior.scopes : t.scopes,
    // Keep the configured spelling of the same instant; with none (an import), the
    // shortest one, as configurations write it ("...:00Z", not "...:00.000Z").
    expires_at:
      t.expires_at &&
      typeof prior.expires_at === 'string' &&
      Date.parse(prior.expires_at) === Date.parse(t.expires_at)
        ? prior.expires_at
        : (t.expires_at?.replace(/\.000Z$/, 'Z') ?? null),
    publisher: t.publisher ?? prior.publisher ?? null,
    created_at: t.created_at,
  };
}

/**
 * A token past its expiry plans no change (the object is as declared), but
 * it no longer works: said at every plan, with what to do.
 */
function expiredWarning(prior: State): { diagnostics?: Diagnostic[] } {
  const at = prior.expires_at;
  if (typeof at !== 'string' || !(Date.parse(at) <= Date.now())) return {};
  return { diagnostics: [warning('Token Expired', `Token "${String(prior.name)}" ` +
    `(${String(prior.id)}) stopped working at ${at}. Set a later expires_at (or remove it) ` +
    'to replace it with a new token, or remove the resource.', ['expires_at'])] };
}

export const token: Resource<CordumClient> = {
  name: 'cordum_token',
  schema: {
    version: 0,
    block: {
      description: 'A registry token. Its secret is shown once, at create; keep the state safe.',
      attributes: {
        id: { type: 'string', computed: true, stable: true, description: 'Token id (not secret).' },
        name: {
          type: 'string',
          required: true,
          replace: true,
          description: 'What the token is for.',
          validate: allOf(nonEmpty('Token Name'), maxChars('Token Name', 200)),
        },
        scopes: {
          type: types.list('string'),
          required: true,
          // Replaces only when the set changes (modifyPlan): another order is written to state.
          description: 'Any of `read`, `publish`, `keys`, `admin`.',
          validate: allOf(distinctList('Scope'), eachOf(oneOf(SCOPES, 'Scope'))),
        },
        expires_at: {
          type: 'string',
          optional: true,
          // Replaces only when the instant changes (modifyPlan): another spelling of the
          // same instant (an offset, more digits, after an import) is written to state alone.
          description: 'When it stops working (RFC 3339). Default: never.',
          validate: rfc3339,
        },
        publisher: {
          type: 'string',
          optional: true,
          computed: true,
          replace: true,
          description: "Publisher it acts for. Default: the provider token's own.",
          validate: allOf(nonEmpty('Publisher'), publisherName),
        },
        token: {
          type: 'string',
          computed: true,
          sensitive: true,
          stable: true,
          description: 'The secret. Known after create only.',
        },
        created_at: {
          type: 'string',
          computed: true,
          stable: true,
          description: 'When it was made.',
        },
      },
    },
  },

  async modifyPlan({ planned, prior, config }) {
    const expires = planned.expires_at;
    if (prior !== null) {
      const before = typeof prior.expires_at === 'string' ? Date.parse(prior.expires_at) : null;
      const after = typeof expires === 'string' ? Date.parse(expires) : null;
      const moved = isUnknown(expires) || before !== after;
      const rescoped = !isWhollyKnown(planned.scopes ?? null) ||
        scopeSet(planned.scopes) !== scopeSet(prior.scopes);
      // Left to the registry, the publisher stays what it is unless the token is replaced.
      const kept = config.publisher === null || config.publisher === undefined
        ? { ...planned, publisher: prior.publisher ?? null } : planned;
      const replace = [...(moved ? [['expires_at']] : []), ...(rescoped ? [['scopes']] : [])];
      if (replace.length > 0) return { planned: kept, requiresReplace: replace };
      return { planned: kept, ...expiredWarning(prior) };
    }
    // A new token must not be born expired (one that expires later keeps planning clean).
    if (prior === null && typeof expires === 'string' && !isUnknown(expires) &&
      Date.parse(expires) <= Date.now()) {
      throw new ProviderError('value_invalid', `expires_at "${expires}" is in the past.`, {
        hint: 'Give a time in the future, or leave expires_at out for a token that never expires.',
        path: ['expires_at'],
      });
    }
    return { planned };
  },

  async create(planned, _config, client) {
    const made = await client.registry.createToken({
      name: mustStr(planned, 'name'),
      scopes: strings(planned, 'scopes') ?? [],
      expires_at: str(planned, 'expires_at'),
      ...(str(planned, 'publisher') ? { publisher: str(planned, 'publisher') } : {}),
    });
    return { ...stateOf(made, planned), token: made.token ?? null };
  },

  // Reached only for another spelling of the same expiry or another order of the same scopes:
  // nothing changes at the registry.
  async update(prior, planned) {
    return { ...prior, expires_at: planned.expires_at ?? null, scopes: planned.scopes ?? null };
  },

  async read(state, client) {
    const found = await client.registry.token(mustStr(state, 'id'));
    return found ? stateOf(found, state) : null;
  },

  async delete(state, client) {
    await client.registry.revokeToken(mustStr(state, 'id'));
  },

  async importState(id) {
    // A token id is `tok_` and hex; an empty or slashed one would read another route.
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) {
      throw new ProviderError('import_id_invalid', `"${id}" is not a token id.`, {
        // The registry lists no tokens (GET /v1/tokens answers 405): say where ids are.
        hint: 'Import with the id the registry gave the token (`tok_...`): `terraform state ' +
          'show` of the configuration that made it has it, and the registry logs it when it ' +
          'makes a token (the `token created` line, field `id`).',
      });
    }
    return { id };
  },
};
