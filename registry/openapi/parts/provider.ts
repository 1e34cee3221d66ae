/** Yanks, tokens, deployments and policy bundles (the Terraform provider's objects). */
import { int, json, list, nullable, obj, op, ref, str, type OpenApiPart } from '../build.js';

const bool = { type: 'boolean' };
const jsonBody = (schema: Record<string, unknown>) => ({ type: 'application/json', schema });
const versionCodes = ['pack_not_found', 'version_not_found'];
const tokenFields = { id: str, name: str, publisher: str, scopes: list(str),
  expires_at: nullable(str), created_at: str };

const CREATE_ONLY = 'With `If-None-Match: *` the write only creates: where one of that name ' +
  'exists it is left as it is and the answer is 412 `already_exists` (the Terraform ' +
  'provider creates this way, so it never takes over an object it did not make).';

export const providerPart: OpenApiPart = {
  schemas: {
    YankStatus: obj({ id: str, version: str, yanked: bool, yanked_at: nullable(str),
      reason: nullable(str) }),
    Token: obj(tokenFields),
    Deployment: obj({ name: str, tenant: str, description: str,
      packs: list(obj({ id: str, range: str, version: str, sha256: str, key_id: str })),
      snapshot_hash: str, generation: int, created_at: str, updated_at: str }),
    PolicyBundle: obj({ deployment: str, name: str, fragment: { type: 'object' }, hash: str,
      version: int, updated_at: str }),
    Decision: obj({ decision: str, rule_id: nullable(str), reason: nullable(str),
      remediations: list({}), snapshot_hash: str }, { constraints: {} }),
  },
  paths: {
    '/v1/packs/{id}/versions/{version}/yank': {
      get: op({ id: 'getYank', summary: 'Whether a version is yanked', tag: 'packs',
        auth: 'read', params: ['id', 'version'], codes: versionCodes,
        ok: { 200: json(ref('YankStatus')) } }),
      put: op({ id: 'setYank', summary: 'Yank or restore a version', tag: 'packs',
        auth: 'scope', scope: 'publish', params: ['id', 'version'], codes: versionCodes,
        body: jsonBody(obj({ yanked: bool }, { reason: str })),
        ok: { 200: json(ref('YankStatus')) } }),
    },
    '/v1/tokens': { post: op({ id: 'createToken', summary: 'Make a token (secret shown once)',
      tag: 'tokens', auth: 'scope', scope: 'admin',
      body: jsonBody(obj({ name: str, scopes: list(str) }, { expires_at: str, publisher: str })),
      codes: ['publisher_invalid'], ok: { 201: json(obj({ ...tokenFields, token: str })) } }) },
    '/v1/tokens/{id}': {
      get: op({ id: 'getToken', summary: 'A live token, without its secret', tag: 'tokens',
        auth: 'scope', scope: 'admin', params: ['id'], codes: ['not_found'],
        ok: { 200: json(ref('Token')) } }),
      delete: op({ id: 'revokeToken', summary: 'Revoke a token', tag: 'tokens', auth: 'scope',
        scope: 'admin', params: ['id'], codes: ['not_found'], ok: { 204: null } }),
    },
    '/v1/deployments': { get: op({ id: 'listDeployments', summary: 'Deployments',
      tag: 'deployments', auth: 'read',
      ok: { 200: json(obj({ deployments: list(ref('Deployment')) })) } }) },
    '/v1/deployments/{name}': {
      get: op({ id: 'getDeployment', summary: 'A deployment', tag: 'deployments', auth: 'read',
        params: ['name'], codes: ['not_found'], ok: { 200: json(ref('Deployment')) } }),
      put: op({ id: 'saveDeployment', summary: 'Create or replace a deployment',
        description: CREATE_ONLY,
        tag: 'deployments', auth: 'scope', scope: 'admin', params: ['name'],
        codes: ['already_exists'],
        body: jsonBody(obj({ packs: list(obj({ id: str, range: str }, { version: str })) },
          { tenant: str, description: str })),
        ok: { 200: json(ref('Deployment')) }, errors: [422] }),
      delete: op({ id: 'deleteDeployment', summary: 'Delete a deployment', tag: 'deployments',
        auth: 'scope', scope: 'admin', params: ['name'], codes: ['not_found'],
        ok: { 204: null } }),
    },
    '/v1/deployments/{name}/policy-bundles': { get: op({ id: 'listPolicyBundles',
      summary: "A deployment's policy bundles, in name order", tag: 'deployments',
      auth: 'read', params: ['name'],
      ok: { 200: json(obj({ bundles: list(ref('PolicyBundle')) })) } }) },
    '/v1/deployments/{name}/policy-bundles/{bundle}': {
      get: op({ id: 'getPolicyBundle', summary: 'A policy bundle', tag: 'deployments',
        auth: 'read', params: ['name', 'bundle'], ok: { 200: json(ref('PolicyBundle')) } }),
      put: op({ id: 'savePolicyBundle', summary: 'Create or replace a policy bundle',
        description: CREATE_ONLY,
        tag: 'deployments', auth: 'scope', scope: 'admin', params: ['name', 'bundle'],
        codes: ['already_exists'],
        body: jsonBody(obj({ fragment: { type: 'object' } })),
        ok: { 200: json(ref('PolicyBundle')) }, errors: [422] }),
      delete: op({ id: 'deletePolicyBundle', summary: 'Delete a policy bundle',
        tag: 'deployments', auth: 'scope',
        scope: 'admin', params: ['name', 'bundle'], ok: { 204: null } }),
    },
    '/v1/deployments/{name}/decisions': { post: op({ id: 'simulateDecision',
      summary: 'Decide a policy request against a deployment', tag: 'deployments', auth: 'read',
      params: ['name'], body: jsonBody({ type: 'object' }), ok: { 200: json(ref('Decision')) } }) },
  },
};
