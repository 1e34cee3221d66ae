/**
 * A publisher name the registry refuses (`publisher_invalid`, 422) is
 * refused at plan on the `publisher` attribute of `cordum_token` and
 * `cordum_publisher_key`; it used to plan clean and fail the apply.
 */
import { describe, expect, it } from 'vitest';
import { publisherKey } from '../../provider/resources/publisher_key.js';
import { token } from '../../provider/resources/token.js';
import { isPublisherName } from '../../packs/publisher_name.js';

const resources = [token, publisherKey];

describe.each(resources)('$name publisher', (resource) => {
  const validate = resource.schema.block.attributes.publisher!.validate!;

  it.each(['default', 'acme', 'team-2', '9lives', 'a'.repeat(64)])('takes %s', (name) => {
    expect(validate(name, ['publisher'])).toEqual([]);
    expect(isPublisherName(name)).toBe(true);
  });

  it.each(['Team A', 'ACME', '-acme', 'acme_corp', 'a.b', 'a'.repeat(65)])('refuses %s', (name) => {
    expect(validate(name, ['publisher'])).toEqual([{
      severity: 'error',
      summary: 'Invalid Publisher',
      detail: `"${name}" is not a publisher name: use a lower-case letter or digit, then up ` +
        'to 63 lower-case letters, digits or "-".',
      path: ['publisher'],
    }]);
    expect(isPublisherName(name)).toBe(false);
  });

  it('says an empty one once, as empty', () => {
    expect(validate(' ', ['publisher']).map((d) => d.summary)).toEqual(['Empty Publisher']);
  });
});
