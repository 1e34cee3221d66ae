/**
 * The claims map of `--oidc-claims-map`: the documented shape is read, and anything else is
 * refused naming the file and field, never taken as the default (every SSO caller a reader).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClaimsMap } from '../../registry/oidc/claims.js';
import { oidcFromFlags } from '../../registry/oidc/flags.js';

describe('the claims map', () => {
  it('reads the documented shape', () => {
    const map = parseClaimsMap(JSON.stringify({ claim: 'roles', groups: {
      'acme-devs': { publisher: 'acme', role: 'maintainer' },
      'registry-admins': { admin: true } } }), 'map.json');
    expect(map).toEqual({ claim: 'roles', groups: {
      'acme-devs': [{ publisher: 'acme', role: 'maintainer' }],
      'registry-admins': [{ admin: true }] } });
  });

  it.each([
    ['a misspelt field', '{"claims":"roles","groups":{}}',
      'map.json: claims: unknown field; did you mean claim?'],
    ['a field it does not know', '{"groups":{},"issuer":"x"}',
      'map.json: issuer: unknown field; expected one of claim, groups'],
    ['a claim that is no name', '{"claim":5,"groups":{}}',
      'map.json: claim: expected the name of the token\'s claim that lists groups, such as ' +
      '"groups", not 5'],
    ['a document that is no object', 'null', 'map.json: expected an object { claim, groups }'],
    ['a list', '[]', 'map.json: expected an object { claim, groups }'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseClaimsMap(text, 'map.json')).toThrow(
      expect.objectContaining({ code: 'request_invalid', message }));
  });

  it('names the flag when the file cannot be read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cordum-claims-')), 'none.json');
    expect(() => oidcFromFlags({ oidcIssuer: 'http://127.0.0.1:1', oidcAudience: 'a',
      oidcClaimsMap: file }, {})).toThrow(expect.objectContaining({ code: 'file_missing',
      message: `--oidc-claims-map ${file}: cannot be read` }));
  });
});
