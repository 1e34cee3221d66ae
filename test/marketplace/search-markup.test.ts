/**
 * Words a pack writes in angle brackets or as an HTML entity are found like
 * any other: PostgreSQL's text parser reads `<word>` as a tag and `&word;` as
 * an entity, which the `simple` configuration drops, so they are split first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { api, publishFixture } from './helpers.js';

describe.each(backends())('search through markup-like text ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    await publishFixture(reg, key, 'hello-pack', {
      edit: (y) => y.replace(/^ {2}title: .*$/m, '  title: Hello <Operator>')
        .replace(/^ {2}description: .*$/m,
          '  description: Echoes jobs for <kubernetes> clusters &amp;helm; charts.'),
    });
  });
  afterAll(async () => {
    await reg?.close();
  });

  it.each(['kubernetes', 'operator', 'helm', 'clusters'])('finds %s', async (word) => {
    const res = await api(reg, 'GET', `/v1/marketplace/search?q=${word}`);

    expect(res.status).toBe(200);
    expect((res.json.packs as { id: string }[]).map((p) => p.id)).toEqual(['hello-pack']);
  });
});
