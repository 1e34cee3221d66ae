/**
 * The marketplace pages and API, the npm read protocol and the format's
 * schemas (routes other parts own). Pages are HTML; their shapes are the
 * marketplace's business, so only statuses and media types are stated.
 */
import {
  int, json, list, obj, op, str, type OpenApiPart, type OpSpec, type Operation,
} from '../build.js';

const html = { 'text/html': str };

/** Pages answer their errors as HTML pages too (browsers ask for text/html). */
function htmlErrors(operation: Operation): Operation {
  for (const [status, response] of Object.entries(operation.responses)) {
    const r = response as { content?: Record<string, unknown> };
    if (Number(status) >= 400 && r.content) r.content['text/html'] = { schema: str };
  }
  return operation;
}

const page = (id: string, summary: string, params: string[] = [],
  extra: Partial<OpSpec> = {}) => ({ get: htmlErrors(op({ id, summary, tag: 'marketplace',
  auth: 'read', params, ok: { 200: html, 302: null, 303: null }, ...extra })) });

export const sitePart: OpenApiPart = {
  paths: {
    '/': { get: op({ id: 'home', summary: 'Browsers go to the marketplace', tag: 'marketplace',
      auth: 'none', ok: { 302: null }, errors: [404] }) },
    '/marketplace/assets/{name}': { get: op({ id: 'marketplaceAsset', summary: 'Static asset',
      tag: 'marketplace', auth: 'none', params: ['name'], codes: ['not_found'],
      ok: { 200: { 'text/css': str, 'text/javascript': str, 'application/javascript': str } } }) },
    '/marketplace/login': {
      get: op({ id: 'loginPage', summary: 'Sign-in page', tag: 'marketplace', auth: 'none',
        ok: { 200: html } }),
      post: htmlErrors(op({ id: 'login', summary: 'Sign in with a token', tag: 'marketplace',
        auth: 'none',
        body: { type: 'application/x-www-form-urlencoded', schema: obj({ token: str }) },
        ok: { 200: html, 303: null, 302: null }, errors: [401, 403] })),
    },
    '/marketplace/logout': { post: op({ id: 'logout', summary: 'Sign out', tag: 'marketplace',
      auth: 'none', ok: { 303: null }, errors: [403] }) },
    '/marketplace/': page('marketplaceHome', 'Marketplace home'),
    '/marketplace/collections': page('collectionsPage', 'Collections'),
    '/marketplace/collections/{slug}': page('collectionPage', 'A collection', ['slug']),
    '/marketplace/publishers/{publisher}': page('publisherPage', 'A publisher', ['publisher']),
    '/marketplace/packs/{id}': page('packPage', 'A pack', ['id']),
    '/marketplace/packs/{id}/versions/{version}': page('packVersionPage', 'A version',
      ['id', 'version']),
    '/marketplace/packs/{id}/versions/{version}/files/{path}': { get: op({ id: 'packImage',
      summary: 'An image of a pack', tag: 'marketplace', auth: 'read',
      params: ['id', 'version', 'path'], codes: ['pack_not_found', 'version_not_found',
        'not_found'], ok: { 200: { 'image/*': str } } }) },
    '/marketplace/packs/{id}/changelog': page('changelogPage', 'Changelog', ['id']),
    '/v1/marketplace/search': { get: op({ id: 'searchPacks', summary: 'Search packs',
      tag: 'marketplace', auth: 'read', query: [{ name: 'q', schema: str }],
      ok: { 200: json(obj({ total: int, page: int, per_page: int })) } }) },
    '/v1/marketplace/collections': { get: op({ id: 'listCollections', summary: 'Collections',
      tag: 'marketplace', auth: 'read',
      ok: { 200: json(obj({ collections: list({ type: 'object' }) })) } }) },
    '/v1/marketplace/collections/{slug}': {
      get: op({ id: 'getCollection', summary: 'A collection', tag: 'marketplace', auth: 'read',
        params: ['slug'], codes: ['not_found'],
        ok: { 200: json(obj({ slug: str, title: str })) } }),
      put: op({ id: 'saveCollection', summary: 'Create or replace a collection',
        tag: 'marketplace', auth: 'scope', scope: 'admin', params: ['slug'],
        body: { type: 'application/json', schema: { type: 'object' } },
        ok: { 200: json(obj({ slug: str, title: str })) }, errors: [422] }),
      delete: op({ id: 'deleteCollection', summary: 'Delete a collection', tag: 'marketplace',
        auth: 'scope', scope: 'admin', params: ['slug'], codes: ['not_found'],
        ok: { 204: null } }),
    },
    '/v1/marketplace/publishers/verified': { get: op({ id: 'listVerified',
      summary: 'Verified publishers', tag: 'marketplace', auth: 'read',
      ok: { 200: json(obj({ publishers: list({ type: 'object' }) })) } }) },
    '/v1/marketplace/publishers/{publisher}/verification': {
      put: op({ id: 'verifyPublisher', summary: 'Mark a publisher verified', tag: 'marketplace',
        auth: 'scope', scope: 'admin', params: ['publisher'],
        body: { type: 'application/json', schema: { type: 'object' } },
        ok: { 200: json(obj({ publisher: str })) }, errors: [422] }),
      delete: op({ id: 'unverifyPublisher', summary: 'Remove a verification',
        tag: 'marketplace', auth: 'scope',
        scope: 'admin', params: ['publisher'], ok: { 204: null } }),
    },
    '/v1/packs/{id}/changelog': { get: op({ id: 'getChangelog', summary: 'Changes between versions',
      tag: 'marketplace', auth: 'read', params: ['id'],
      codes: ['pack_not_found', 'version_not_found'], ok: { 200: json({ type: 'object' }) } }) },
    '/v1/packs/{id}/versions/{version}/simulate': { post: op({ id: 'simulatePack',
      summary: 'Decide a policy request against one version', tag: 'marketplace', auth: 'read',
      params: ['id', 'version'], body: { type: 'application/json', schema: { type: 'object' } },
      ok: { 200: json({ type: 'object' }) }, errors: [422] }) },
    '/npm/-/ping': { get: op({ id: 'npmPing', summary: 'npm ping', tag: 'npm', auth: 'none',
      ok: { 200: json({ type: 'object' }) } }) },
    '/npm/{name}': { get: op({ id: 'npmPackumentEscaped', summary: 'Packument (escaped name)',
      tag: 'npm', auth: 'read', params: ['name'], ok: { 200: json(obj({ name: str })) } }) },
    '/npm/@cordum-packs/{id}': { get: op({ id: 'npmPackument', summary: 'Packument',
      tag: 'npm', auth: 'read', params: ['id'], ok: { 200: json(obj({ name: str })) } }) },
    '/npm/{scope}/{pkg}': { get: op({ id: 'npmOtherScope',
      summary: 'Another scope\'s name, slash unescaped: always 404 pack_not_found', tag: 'npm',
      auth: 'read', params: ['scope', 'pkg'], ok: {}, codes: ['pack_not_found'] }) },
    '/npm/@cordum-packs/{id}/-/{file}': { get: op({ id: 'npmTarball', summary: 'npm tarball',
      tag: 'npm', auth: 'read', params: ['id', 'file'],
      ok: { 200: { 'application/octet-stream': str } } }) },
    '/schemas': { get: op({ id: 'listSchemas', summary: 'The format schemas', tag: 'schemas',
      auth: 'none', ok: { 200: json(obj({ schemas: list(obj({ name: str, url: str })) })) } }) },
    '/schemas/{name}': { get: op({ id: 'getSchema', summary: 'One format schema',
      tag: 'schemas', auth: 'none', params: ['name'], codes: ['not_found'],
      ok: { 200: { 'application/schema+json': { type: 'object' } } } }) },
  },
};
