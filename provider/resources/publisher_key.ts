/**
 * `cordum_publisher_key`: a public key allowed to sign a publisher's packs.
 * A key is immutable: another key or publisher replaces it, while the same
 * key in other PEM text (a trailing newline) only updates the text in state.
 * Its id (the key id, hex SHA-256 of the key) is known at plan time.
 *
 * Schema version 1 renamed `public_key_pem` to `public_key` and added
 * `key_id`; state written by version 0 is upgraded.
 */
import type { CordumClient } from '../config.js';
import { mustStr, str } from '../framework/access.js';
import { error } from '../framework/diagnostics.js';
import { PartialApplyError, type Resource, type State } from '../framework/resource.js';
import { isUnknown } from '../framework/values.js';
import { keyIdOf } from '../../packs/signing/keys.js';
import { ProviderError } from '../errors.js';
import { allOf, nonEmpty, publisherName } from '../validators.js';
import { isSha256Hex } from '../../packs/digest.js';

const normal = (pem: string) => pem.replace(/\r\n/g, '\n').trim();

interface KeyFacts {
  key_id: string;
  publisher: string;
  public_key: string;
  created_at?: string;
}

function stateOf(info: KeyFacts): State {
  return {
    id: info.key_id,
    key_id: info.key_id,
    publisher: info.publisher,
    public_key: info.public_key,
    created_at: info.created_at ?? null,
  };
}

/** A key stays with the publisher it was registered for, even once revoked. */
function movedKey(keyId: string, registered: string, wanted: string): ProviderError {
  return new ProviderError('value_invalid',
    `Key ${keyId.slice(0, 12)}... is registered for publisher "${registered}"; the registry ` +
      `keeps a key with its publisher for good, so it cannot sign for "${wanted}".`, {
      hint: `Make a new key pair (\`cordum keygen\`) for "${wanted}", or set publisher back to ` +
        `"${registered}".`,
      path: ['publisher'],
    });
}

/**
 * A live key added outside this configuration (by hand, by another one). The registry's
 * 409 hint said "import it, or rename it", and a key has no name to change.
 */
function trustedAlready(keyId: string, cause: unknown): ProviderError {
  return new ProviderError('registry_conflict',
    `Key ${keyId} is already trusted by the registry, added outside this configuration.`, {
      hint: `Bring it under Terraform instead of adding it again: terraform import ` +
        `<address> ${keyId} (or use another key pair).`,
      path: ['public_key'],
      cause,
    });
}

export const publisherKey: Resource<CordumClient> = {
  name: 'cordum_publisher_key',
  schema: {
    version: 1,
    block: {
      description: 'A public key (ECDSA P-256, PEM) trusted to sign the packs of a publisher.',
      attributes: {
        id: { type: 'string', computed: true, stable: true, description: 'The key id.' },
        // Another key replaces it (modifyPlan asks); the same key spelt otherwise (a newline,
        // CRLF) only updates the text in state.
        public_key: {
          type: 'string',
          required: true,
          description: 'The public key as PEM (SubjectPublicKeyInfo), e.g. `file("key.pub.pem")`.',
          validate: (value, path) => {
            try {
              keyIdOf(String(value));
              return [];
            } catch (err) {
              const why = err instanceof Error ? err.message : String(err);
              const detail = `${why}. Use an ECDSA P-256 public key in PEM.`;
              return [error('Invalid Public Key', detail, path)];
            }
          },
        },
        publisher: {
          type: 'string',
          required: true,
          replace: true,
          description: 'The publisher whose packs this key may sign.',
          validate: allOf(nonEmpty('Publisher'), publisherName),
        },
        key_id: {
          type: 'string',
          computed: true,
          stable: true,
          description: 'Hex SHA-256 of the DER public key; what signature bundles name.',
        },
        created_at: {
          type: 'string',
          computed: true,
          stable: true,
          description: 'When the registry first trusted the key (RFC 3339).',
        },
      },
    },
  },

  async modifyPlan({ planned, prior }) {
    const pem = planned.public_key;
    if (typeof pem !== 'string' || isUnknown(pem)) {
      // Known only at apply: it may be another key, so it replaces.
      return { planned, ...(prior !== null ? { requiresReplace: [['public_key']] } : {}) };
    }
    const keyId = keyIdOf(pem);
    // A new key is a new object: keep nothing from the prior one.
    const same = prior !== null && prior.key_id === keyId;
    if (same && typeof planned.publisher === 'string' && typeof prior.publisher === 'string' &&
      planned.publisher !== prior.publisher) {
      throw movedKey(keyId, prior.publisher, planned.publisher);
    }
    const createdAt = same ? (prior.created_at ?? null) : (planned.created_at ?? null);
    return {
      planned: { ...planned, id: keyId, key_id: keyId, created_at: createdAt },
      ...(prior !== null && !same ? { requiresReplace: [['public_key']] } : {}),
    };
  },

  /** The same key in other text (modifyPlan replaces another key): nothing to send. */
  async update(prior, planned) {
    return { ...prior, public_key: planned.public_key };
  },

  async create(planned, _config, client) {
    const pem = mustStr(planned, 'public_key');
    const keyId = mustStr(planned, 'key_id');
    try {
      await client.registry.addKey(pem, mustStr(planned, 'publisher'));
    } catch (err) {
      // A key revoked by an earlier destroy is trusted again rather than refused.
      const exists = err instanceof ProviderError && err.remoteCode === 'key_exists';
      const revocation = exists ? await client.registry.keyRevocation(keyId) : null;
      if (exists && revocation?.revoked === false) throw trustedAlready(keyId, err);
      if (!revocation?.revoked) throw err;
      // Only as it was: trusting it again for another publisher would not happen.
      const kept = await client.registry.key(keyId);
      const publisher = mustStr(planned, 'publisher');
      if (kept && kept.publisher !== publisher) throw movedKey(keyId, kept.publisher, publisher);
      await client.registry.restoreKey(keyId);
    }
    // The answer to POST has no created_at; the key's own page does. The key
    // exists from here on, so a failure still records it.
    try {
      const found = await client.registry.key(keyId);
      if (found) return { ...stateOf(found), public_key: pem };
      throw new ProviderError('registry_error', `Key ${keyId} is missing after adding it.`);
    } catch (err) {
      throw new PartialApplyError(planned, err);
    }
  },

  async read(state, client) {
    const keyId = str(state, 'key_id') ?? str(state, 'id');
    if (!keyId) return null;
    const found = await client.registry.key(keyId);
    if (!found || (await client.registry.keyRevocation(keyId))?.revoked) return null;
    const own = str(state, 'public_key');
    // Keep the user's PEM text when it is the same key, so formatting never shows as a diff.
    const publicKey = own && normal(own) === normal(found.public_key) ? own : found.public_key;
    return { ...stateOf(found), public_key: publicKey };
  },

  async delete(state, client) {
    await client.registry.removeKey(mustStr(state, 'key_id'));
  },

  async importState(id) {
    if (!isSha256Hex(id)) {
      throw new ProviderError('import_id_invalid', `"${id}" is not a key id.`, {
        hint: 'Import with the 64 hex digit key id, as the registry lists it (`GET /v1/keys`).',
      });
    }
    return { id, key_id: id };
  },

  upgradeState(version, stored): State {
    if (version !== 0) throw new Error(`no upgrade from version ${version}`);
    const pem = typeof stored.public_key_pem === 'string' ? stored.public_key_pem : '';
    const keyId = typeof stored.id === 'string' && stored.id ? stored.id : pem ? keyIdOf(pem) : '';
    return {
      id: keyId,
      key_id: keyId,
      public_key: pem,
      publisher: typeof stored.publisher === 'string' ? stored.publisher : null,
      created_at: typeof stored.created_at === 'string' ? stored.created_at : null,
    };
  },
};
