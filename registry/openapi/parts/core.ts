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
  PackDetail: obj({ id: str, publisher: str, latest: str, versions: list(ref('VersionSummary')) },
    { title: str, description: str }),
  PackSummary: obj({ id: str, publisher: str, latest: str }, { title: str, description: str }),
  VersionDetail: obj({ id: str, publisher: str, ...summary, manifest: { type: 'object' } }),
  Catalog: obj({ updated_at: str, packs: list({ type: 'object' }) }),
  Key: obj({ key_id: str, publisher: str, public_key: str, created_at: str }),
  Manifest: obj({ metadata: obj({ id: str, version: str }) }),
  KeyRevocation: obj({ key_id: str, revoked: { type: 'boolean' }, revoked_at: nullable(str) }),
};

const publishForm = obj({ tarball: { type: 'string', contentMediaType: 'application/gzip' },
  bundle: str }, { publisher: str, id: str, version: str });

export const corePart: OpenApiPart = {
  schemas: coreSchemas,
  paths: {
    '/v1/catalog.json': { get: op({ id: 'getCatalog', summary: 'Gateway catalog', tag: 'packs',
      auth: 'read', ok: { 200: json(ref('Catalog')) } }) },
    '/v1/packs': {
      get: op({ id: 'listPacks', summary: 'Every pack at its latest version', tag: 'packs',
        auth: 'read', ok: { 200: json(obj({ packs: list(ref('PackSummary')) })) } }),
      post: op({ id: 'publishPack', summary: 'Publish a signed pack', tag: 'packs',
        auth: 'scope', body: { type: 'multipart/form-data', schema: publishForm },
        ok: { 201: json(ref('Published')) }, errors: [409, 422] }),
    },
    '/v1/packs/{id}': { get: op({ id: 'getPack', summary: 'A pack and its versions',
      tag: 'packs', auth: 'read', params: ['id'], ok: { 200: json(ref('PackDetail')) } }) },
    '/v1/packs/{id}/resolve': { get: op({ id: 'resolveRange', summary: 'Highest version in a range',
      tag: 'packs', auth: 'read', params: ['id'], query: [{ name: 'range', schema: str }],
      ok: { 200: json(ref('Published')) } }) },
    '/v1/packs/{id}/versions/{version}': { get: op({ id: 'getVersion', summary: 'One version',
      tag: 'packs', auth: 'read', params: idVersion, ok: { 200: json(ref('VersionDetail')) } }) },
    '/v1/packs/{id}/versions/{version}/manifest': { get: op({ id: 'getManifest',
      summary: 'The manifest of a version', tag: 'packs', auth: 'read', params: idVersion,
      ok: { 200: json(ref('Manifest')) } }) },
    '/v1/packs/{id}/versions/{version}/tarball': { get: op({ id: 'getTarball',
      summary: 'The tarball (immutable; ETag is its sha256)', tag: 'packs', auth: 'read',
      params: idVersion,
      ok: { 200: { 'application/gzip': { type: 'string', contentMediaType: 'application/gzip' } } },
    }) },
    '/v1/packs/{id}/versions/{version}/bundle': { get: op({ id: 'getBundle',
      summary: 'The sigstore bundle of a version', tag: 'packs', auth: 'read', params: idVersion,
      ok: { 200: json({ type: 'object', required: ['mediaType'] }) } }) },
    '/v1/keys': {
      get: op({ id: 'listKeys', summary: 'Registered public keys', tag: 'keys', auth: 'read',
        ok: { 200: json(obj({ keys: list(ref('Key')) })) } }),
      post: op({ id: 'addKey', summary: 'Register a public key', tag: 'keys', auth: 'scope',
        body: { type: 'application/json', schema: obj({ public_key: str }, { publisher: str }) },
        ok: { 201: json(obj({ key_id: str, publisher: str })) }, errors: [409, 422] }),
    },
    '/v1/keys/{keyId}': {
      get: op({ id: 'getKey', summary: 'One key', tag: 'keys', auth: 'read', params: ['keyId'],
        ok: { 200: json(ref('Key')) } }),
      delete: op({ id: 'deleteKey', summary: 'Remove an unused key, else revoke it', tag: 'keys',
        auth: 'scope', params: ['keyId'],
        ok: { 200: json(obj({ key_id: str, removed: { type: 'boolean' },
          revoked: { type: 'boolean' } })) } }),
    },
    '/v1/keys/{keyId}/revocation': {
      get: op({ id: 'getKeyRevocation', summary: 'Whether a key is revoked', tag: 'keys',
        auth: 'read', params: ['keyId'], ok: { 200: json(ref('KeyRevocation')) } }),
      delete: op({ id: 'restoreKey', summary: 'Trust a revoked key again', tag: 'keys',
        auth: 'scope', params: ['keyId'], ok: { 200: json(ref('KeyRevocation')) } }),
    },
  },
};
