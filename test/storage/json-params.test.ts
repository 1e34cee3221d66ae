/**
 * `json` parameters reach the database as the text they were given, on both
 * back ends (PGlite sends them as bytes in binary format, `pg` as text).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../storage/database.js';
import { backends } from '../helpers/databases.js';
import { freshDatabase } from '../engine/fixtures.js';

describe.each(backends())('json parameters on $name', (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await (await freshDatabase(backend)).open();
  });
  afterEach(() => db.close());

  it.each([
    ['an object', { b: 1, a: [true, null, 'x'] }, '{"b":1,"a":[true,null,"x"]}'],
    ['text of JSON', '{"z":"ünïcødé ✓ 𝄞","n":-1.5e3}',
      '{"z":"ünïcødé ✓ 𝄞","n":-1.5e3}'],
    ['a JSON string', '"just text"', '"just text"'],
  ])('keeps %s as given', async (_name, value, text) => {
    const { rows } = await db.query<{ v: unknown; t: string }>(
      'SELECT $1::json AS v, $1::json::text AS t', [value]);
    expect(rows[0]!.t).toBe(text);
    expect(rows[0]!.v).toEqual(JSON.parse(text));
  });

  it('refuses what is not JSON, naming the type', async () => {
    await expect(db.query('SELECT $1::json AS v', ['{not json'])).rejects.toThrow(/json/i);
  });
});
