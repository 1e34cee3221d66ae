/**
 * A writer's `load`: rows through COPY's text format, alone or with a
 * statement in the same transaction, on both back ends.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COPY_NULL, copyField } from '../../storage/copy_text.js';
import type { Database } from '../../storage/database.js';
import { backends } from '../helpers/databases.js';
import { freshDatabase } from '../engine/fixtures.js';

describe('copyField', () => {
  it.each([
    ['plain text', 'run-1 ok', 'run-1 ok'],
    ['a tab', 'a\tb', 'a\\tb'],
    ['newlines and returns', 'a\nb\r\nc', 'a\\nb\\r\\nc'],
    ['a backslash', 'C:\\dir', 'C:\\\\dir'],
    ['what looks like NULL', '\\N', '\\\\N'],
    ['the end-of-data line', '\\.', '\\\\.'],
  ])('escapes %s', (_name, text, field) => {
    expect(copyField(text)).toBe(field);
  });
});

const TABLE = 'CREATE TABLE t (id text PRIMARY KEY, doc json, note text, n bigint, at timestamptz)';
const COLUMNS = ['id', 'doc', 'note', 'n', 'at'];

function line(fields: string[]): string {
  return `${fields.join('\t')}\n`;
}

describe.each(backends())('load on $name', (backend) => {
  let db: Database;
  beforeEach(async () => {
    db = await (await freshDatabase(backend)).open();
    await db.exec(TABLE);
  });
  afterEach(() => db.close());

  it('stores every value as given, special characters and NULLs included', async () => {
    const doc = { text: 'tab\there, "quoted", back\\slash\nnew line', u: 'ünïcødé 𝄞',
      v: [null, 1.5] };
    const note = 'line one\nline\ttwo \\ three\r';
    await db.writer().load({ table: 't', columns: COLUMNS, text:
      line(['a', copyField(JSON.stringify(doc)), copyField(note), '42',
        '2026-12-05T01:02:03.456Z']) +
      line(['b', COPY_NULL, COPY_NULL, COPY_NULL, COPY_NULL]) });
    const { rows } = await db.query<Record<string, unknown>>(
      'SELECT id, doc, note, n, at FROM t ORDER BY id');
    expect(rows).toEqual([
      { id: 'a', doc, note, n: 42, at: new Date('2026-12-05T01:02:03.456Z') },
      { id: 'b', doc: null, note: null, n: null, at: null },
    ]);
  });

  it('runs the statement after the rows, in the same transaction', async () => {
    await db.writer().load({ table: 't', columns: ['id'], text: line(['a']) },
      { sql: "UPDATE t SET note = $1 WHERE id = 'a'", params: ['seen'] });
    const { rows } = await db.query('SELECT id, note FROM t');
    expect(rows).toEqual([{ id: 'a', note: 'seen' }]);
  });

  it('keeps nothing of the rows when the statement after them fails', async () => {
    await expect(db.writer().load({ table: 't', columns: ['id'], text: line(['a']) },
      { sql: 'INSERT INTO t (id) VALUES ($1)', params: ['a'] })).rejects.toThrow(/duplicate key/);
    expect((await db.query('SELECT id FROM t')).rows).toEqual([]);
    // The connection is left usable.
    await db.writer().load({ table: 't', columns: ['id'], text: line(['b']) });
    expect((await db.query('SELECT id FROM t')).rows).toEqual([{ id: 'b' }]);
  });

  it('refuses a bad row and keeps none of its batch', async () => {
    await expect(db.writer().load({ table: 't', columns: ['id', 'doc'],
      text: line(['a', '{}']) + line(['b', '{not json']) })).rejects.toThrow(/json/i);
    expect((await db.query('SELECT id FROM t')).rows).toEqual([]);
  });
});
