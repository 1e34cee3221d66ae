/** Packs, versions, publishing, keys and the catalog (registry/routes/{packs,...}.ts). */
import { int, json, list, nullable, obj, op, ref, str, type OpenApiPart } from '../build.js';

const urls = { tarball_url: str, bundle_url: str };
const summary = { version: str, sha256: str, key_id: str, size: int, published_at: str, ...urls };
const idVersion = ['id', 'version'];

export const coreSchemas = {
  Problem: obj({ type: str, title: str, status: int, detail: str, code: str },
    { issues: list(obj({ file: str, path: str, message: str })) }),
  Published: obj({ id: str, version: str, sha256: str, key_id: str, ...urls }),
  VersionSummary: obj(summary),
  // latest: null once every version is yanked.
  PackDetail: obj({ id: str, publisher: str, latest: nullable(str),
    versions: list(ref('VersionSummary')) },
    { title: str, description: str, private: { type: 'boolean' } }),
  PackSummary: obj({ id: str, publisher: str, latest: nullable(str) },
    { title: str, description: str }),
  VersionDetail: obj({ id: str, publisher: str, ...summary, manifest: { type: 'object' } }),
  Catalog: obj({ updated_at: str, packs: list({ type: 'object' }) }),
  Key: obj({ key_id: str, publisher: str, public_key: str, created_at: str }),
  Manifest: obj({ metadata: obj({ id: str, version: str }) }),
  KeyRevocation: obj({ key_id: str, revoked: { type: 'boolean' }, revoked_at: nullable(str) }),
};

const publishForm = obj({ tarball: { type: 'string', contentMediaType: 'application/gzip' },
  bundle: str }, { publisher: str, id: str, version: str });

const publishCodes = ['multipart_invalid', 'part_missing', 'bundle_too_large',
  'bundle_too_many_files', 'bundle_file_too_large', 'bundle_uncompressed_too_large',
  'bundle_ratio_exceeded', 'bundle_invalid', 'validation_failed', 'digest_mismatch',
  'signature_missing', 'signature_invalid', 'signature_unknown_key', 'pack_not_owned',
  'version_exists', 'tarball_mismatch', 'publisher_invalid',
  // The tarball's own safety and document checks (packs/bundle, packs/documents.ts).
  'bundle_path_absolute', 'bundle_path_traversal', 'bundle_path_invalid', 'bundle_link',
  'bundle_special_file', 'bundle_duplicate_entry', 'bundle_corrupt', 'bundle_no_manifest',
  'yaml_syntax', 'yaml_alias_limit', 'json_syntax', 'document_too_deep',
  'document_too_many_keys', 'document_not_utf8'];
const versionCodes = ['pack_not_found', 'version_not_found'];
const keyBody = obj({ public_key: str }, { publisher: str });

export const corePart: OpenApiPart = {
  schemas: coreSchemas,
  paths: {
    '/v1/catalog.json': { get: op({ id: 'getCatalog', summary: 'Gateway catalog', tag: 'packs',
      description: 'One entry per pack at its latest version, with the absolute tarball URL ' +
        'and its sha256, as a Cordum gateway reads it.',
      auth: 'read', ok: { 200: json(ref('Catalog')) } }) },
    '/v1/packs': {
      get: op({ id: 'listPacks', summary: 'Every pack at its latest version', tag: 'packs',
        auth: 'read', ok: { 200: json(obj({ packs: list(ref('PackSummary')) })) } }),
      post: op({ id: 'publishPack', summary: 'Publish a signed pack', tag: 'packs',
        description: 'Every check runs before anything is stored; the first that fails ' +
          'answers (see "POST /v1/packs" above for their order).',
        auth: 'scope', scope: 'publish',
        body: { type: 'multipart/form-data', schema: publishForm },
        ok: { 201: json(ref('Published')) }, codes: publishCodes }),
    },
    '/v1/packs/{id}': { get: op({ id: 'getPack', summary: 'A pack and its versions',
      tag: 'packs', auth: 'read', params: ['id'], codes: ['pack_not_found'],
      ok: { 200: json(ref('PackDetail')) } }) },
    '/v1/packs/{id}/resolve': { get: op({ id: 'resolveRange',
      summary: 'Highest version in a range', tag: 'packs', auth: 'read', params: ['id'],
      description: '`range` is a semver range (default `*`) or a dist-tag; yanked versions ' +
        'are never picked.',
      query: [{ name: 'range', schema: str }],
      codes: ['pack_not_found', 'range_unsatisfied', 'semver_invalid'],
      ok: { 200: json(ref('Published')) } }) },
    '/v1/packs/{id}/versions/{version}': { get: op({ id: 'getVersion', summary: 'One version',
      tag: 'packs', auth: 'read', params: idVersion, codes: versionCodes,
      ok: { 200: json(ref('VersionDetail')) } }) },
    '/v1/packs/{id}/versions/{version}/manifest': { get: op({ id: 'getManifest',
      summary: 'The manifest of a version', tag: 'packs', auth: 'read', params: idVersion,
      codes: versionCodes, ok: { 200: json(ref('Manifest')) } }) },
    '/v1/packs/{id}/versions/{version}/tarball': { get: op({ id: 'getTarball',
      summary: 'The tarball (immutable; ETag is its sha256)', tag: 'packs', auth: 'read',
      description: 'Re-hashed on every read: a blob changed on disk is refused, not served.',
      params: idVersion, codes: [...versionCodes, 'blob_corrupt', 'blob_missing'],
      ok: { 200: { 'application/gzip': { type: 'string', contentMediaType: 'application/gzip' } } },
    }) },
    '/v1/packs/{id}/versions/{version}/bundle': { get: op({ id: 'getBundle',
      summary: 'The sigstore bundle of a version', tag: 'packs', auth: 'read', params: idVersion,
      codes: versionCodes, ok: { 200: json({ type: 'object', required: ['mediaType'] }) } }) },
    '/v1/keys': {
      get: op({ id: 'listKeys', summary: 'Registered public keys', tag: 'keys', auth: 'read',
        ok: { 200: json(obj({ keys: list(ref('Key')) })) } }),
      post: op({ id: 'addKey', summary: 'Register a public key', tag: 'keys', auth: 'scope',
        scope: 'keys', body: { type: 'application/json', schema: keyBody },
        description: 'An ECDSA P-256 SPKI public key (PEM); `publisher` defaults to the ' +
          'token\'s own, naming another needs `admin`.',
        codes: ['key_exists', 'key_invalid', 'publisher_invalid', 'forbidden'],
        ok: { 201: json(obj({ key_id: str, publisher: str })) } }),
    },
    '/v1/keys/{keyId}': {
      get: op({ id: 'getKey', summary: 'One key', tag: 'keys', auth: 'read', params: ['keyId'],
        codes: ['key_not_found'], ok: { 200: json(ref('Key')) } }),
      delete: op({ id: 'deleteKey', summary: 'Remove an unused key, else revoke it', tag: 'keys',
        auth: 'scope', scope: 'keys', params: ['keyId'], codes: ['key_not_found'],
        ok: { 200: json(obj({ key_id: str, removed: { type: 'boolean' },
          revoked: { type: 'boolean' } })) } }),
    },
    '/v1/keys/{keyId}/revocation': {
      get: op({ id: 'getKeyRevocation', summary: 'Whether a key is revoked', tag: 'keys',
        auth: 'read', params: ['keyId'], codes: ['key_not_found'],
        ok: { 200: json(ref('KeyRevocation')) } }),
      delete: op({ id: 'restoreKey', summary: 'Trust a revoked key again', tag: 'keys',
        auth: 'scope', scope: 'keys', params: ['keyId'], codes: ['key_not_found'],
        ok: { 200: json(ref('KeyRevocation')) } }),
    },
  },
};
