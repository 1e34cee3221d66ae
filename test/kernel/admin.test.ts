/** The engine's bearer check: the scheme in any case, the token compared whole. */
import { describe, expect, it } from 'vitest';
import { isAdminToken } from '../../engine/kernel/admin.js';

describe('isAdminToken', () => {
  it.each([
    ['Bearer s3cret', true],
    ['bearer s3cret', true],
    ['BEARER   s3cret  ', true],
    ['Bearer s3cre', false],
    ['Bearer s3cret2', false],
    ['Basic s3cret', false],
    ['Bearers3cret', false],
    ['s3cret', false],
  ])('%j is %s', (header, ok) => {
    expect(isAdminToken(header, 's3cret')).toBe(ok);
  });

  it('admits nobody without a configured token or a header', () => {
    expect([isAdminToken('Bearer x', undefined), isAdminToken(undefined, 'x')]).toEqual(
      [false, false]);
  });
});
