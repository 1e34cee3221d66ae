/**
 * `cordum_token.name` is checked at plan time as the registry checks it on
 * create: not empty, and at most 200 characters; its import hint says where ids are.
 */
import { describe, expect, it } from 'vitest';
import { token } from '../../provider/resources/token.js';

const validate = token.schema.block.attributes.name!.validate!;

describe('cordum_token name', () => {
  it('takes a name of 200 characters', () => {
    expect(validate('n'.repeat(200), ['name'])).toEqual([]);
  });

  it('refuses a name past 200 characters, naming the attribute and the length', () => {
    expect(validate('n'.repeat(201), ['name'])).toEqual([{
      severity: 'error',
      summary: 'Token Name Too Long',
      detail: 'The token name has 201 characters; the registry takes at most 200.',
      path: ['name'],
    }]);
  });

  it('still refuses an empty name', () => {
    expect(validate('', ['name']).map((d) => d.summary)).toEqual(['Empty Token Name']);
  });
});

describe('cordum_token import id', () => {
  // The hint named `GET /v1/tokens`, which the registry answers 405: it lists no tokens.
  it('says where a token id is found, naming no listing route', async () => {
    const err = await token.importState!('a/b', undefined as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'import_id_invalid' });
    const hint = (err as { hint: string }).hint;
    expect(hint).not.toContain('GET /v1/tokens');
    expect(hint).toContain('terraform state show');
    expect(hint).toContain('`token created` line, field `id`');
  });
});
