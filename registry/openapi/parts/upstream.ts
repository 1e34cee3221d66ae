/** A mirrored version's or key's evidence from the source registry's log (issue 7). */
import { int, json, list, obj, op, ref, str, type OpenApiPart } from '../build.js';

const hex = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const evidence = {
  source: str,
  log_key: obj({ key_id: str, public_key: str, origin: str }),
  entry: obj({ index: int, body: str }),
  audit_path: list(hex),
  tree_head: ref('TreeHead'),
};

export const upstreamPart: OpenApiPart = {
  schemas: {
    UpstreamEvidence: obj(evidence),
    StoredUpstream: obj({ ...evidence, leaf_hash: hex, recorded_at: str }),
  },
  paths: {
    '/v1/packs/{id}/versions/{version}/log/upstream': {
      get: op({ id: 'listUpstreamLog', summary: 'Source logs\' evidence for a mirrored version',
        tag: 'log', auth: 'read', params: ['id', 'version'],
        codes: ['pack_not_found', 'version_not_found'],
        ok: { 200: json(obj({ upstream: list(ref('StoredUpstream')) })) } }),
      put: op({ id: 'putUpstreamLog',
        summary: 'Store a source log\'s evidence for a version, checked first (mirrors)',
        tag: 'log', auth: 'scope', params: ['id', 'version'],
        codes: ['pack_not_found', 'version_not_found', 'upstream_entry_mismatch'],
        body: { type: 'application/json', schema: ref('UpstreamEvidence') }, errors: [422],
        ok: { 200: json(ref('StoredUpstream')), 201: json(ref('StoredUpstream')) } }),
    },
    '/v1/keys/{keyId}/log/upstream': {
      get: op({ id: 'listKeyUpstreamLog', summary: 'Source logs\' evidence for a mirrored key',
        tag: 'log', auth: 'read', params: ['keyId'], codes: ['key_not_found'],
        ok: { 200: json(obj({ upstream: list(ref('StoredUpstream')) })) } }),
      put: op({ id: 'putKeyUpstreamLog',
        summary: 'Store a source log\'s evidence of a key\'s registration, checked first',
        tag: 'log', auth: 'scope', params: ['keyId'],
        codes: ['key_not_found', 'upstream_entry_mismatch'],
        body: { type: 'application/json', schema: ref('UpstreamEvidence') }, errors: [422],
        ok: { 200: json(ref('StoredUpstream')), 201: json(ref('StoredUpstream')) } }),
    },
  },
};
