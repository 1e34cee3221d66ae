/** Publishers' members, private packs, dist-tags and deprecation (registry/tenancy). */
import { json, nullable, obj, op, str, list, type OpenApiPart } from '../build.js';

const bool = { type: 'boolean' };
const role = { enum: ['owner', 'maintainer', 'reader'] };
const member = obj({ publisher: str, subject: str, role, created_at: str });
const jsonBody = (schema: Record<string, unknown>) => ({ type: 'application/json', schema });
const deprecation = obj({ id: str, version: str, deprecated: bool, message: nullable(str),
  deprecated_at: nullable(str) });

export const tenancyPart: OpenApiPart = {
  paths: {
    '/v1/keys/{keyId}/rotate': { post: op({ id: 'rotateKey',
      summary: 'Register a new key and revoke this one (owners)', tag: 'keys', auth: 'scope',
      scope: 'keys', params: ['keyId'], body: jsonBody(obj({ public_key: str })),
      errors: [409, 422],
      ok: { 201: json(obj({ key_id: str, publisher: str, revoked: str, revoked_at: str })) } }) },
    '/v1/publishers/{publisher}/members': { get: op({ id: 'listMembers',
      summary: 'Members of a publisher and their roles', tag: 'tenancy', auth: 'scope',
      scope: 'read', params: ['publisher'],
      ok: { 200: json(obj({ publisher: str, members: list(member) })) } }) },
    '/v1/publishers/{publisher}/members/{subject}': {
      put: op({ id: 'putMember', summary: 'Add a member or change its role (owners)',
        tag: 'tenancy', auth: 'scope', scope: 'publish', params: ['publisher', 'subject'],
        body: jsonBody(obj({ role })), ok: { 200: json(obj({ publisher: str, subject: str,
          role })) } }),
      delete: op({ id: 'deleteMember', summary: 'Remove a member (owners)', tag: 'tenancy',
        auth: 'scope', scope: 'publish', params: ['publisher', 'subject'], ok: { 204: null } }),
    },
    '/v1/publishers/{publisher}/members/{subject}/tokens': { post: op({ id: 'createMemberToken',
      summary: 'A token standing for a member (secret shown once)', tag: 'tenancy',
      auth: 'scope', scope: 'publish', params: ['publisher', 'subject'],
      body: jsonBody(obj({ name: str, scopes: list(str) }, { expires_at: str })),
      ok: { 201: json(obj({ id: str, publisher: str, subject: str, token: str,
        expires_at: nullable(str) })) } }) },
    '/v1/packs/{id}/visibility': { put: op({ id: 'setVisibility',
      summary: 'Make a pack private or public (owners)', tag: 'tenancy', auth: 'scope',
      scope: 'publish', params: ['id'], body: jsonBody(obj({ private: bool })),
      codes: ['pack_not_found'],
      ok: { 200: json(obj({ id: str, publisher: str, private: bool })) } }) },
    '/v1/packs/{id}/dist-tags': { get: op({ id: 'listDistTags', summary: 'Dist-tags of a pack',
      tag: 'tenancy', auth: 'read', params: ['id'], codes: ['pack_not_found'],
      ok: { 200: json(obj({ id: str, tags: { type: 'object',
        additionalProperties: str } })) } }) },
    '/v1/packs/{id}/dist-tags/{tag}': {
      put: op({ id: 'setDistTag', summary: 'Point a dist-tag at a version (maintainers)',
        tag: 'tenancy', auth: 'scope',
        scope: 'publish', params: ['id', 'tag'], body: jsonBody(obj({ version: str })),
        codes: ['pack_not_found', 'version_not_found'],
        ok: { 200: json(obj({ id: str, tag: str, version: str })) } }),
      delete: op({ id: 'deleteDistTag', summary: 'Remove a dist-tag (maintainers)',
        tag: 'tenancy', auth: 'scope',
        scope: 'publish', params: ['id', 'tag'], codes: ['pack_not_found', 'not_found'],
        ok: { 204: null } }),
    },
    '/v1/packs/{id}/versions/{version}/deprecation': {
      get: op({ id: 'getDeprecation', summary: 'Whether a version is deprecated', tag: 'tenancy',
        auth: 'read', params: ['id', 'version'], codes: ['pack_not_found', 'version_not_found'],
        ok: { 200: json(deprecation) } }),
      put: op({ id: 'setDeprecation', summary: 'Deprecate with a message, or lift (null)',
        tag: 'tenancy', auth: 'scope', scope: 'publish', params: ['id', 'version'],
        body: jsonBody(obj({ message: nullable(str) })), ok: { 200: json(deprecation) },
        codes: ['pack_not_found', 'version_not_found'] }),
    },
  },
};
