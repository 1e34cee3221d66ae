/**
 * Deprecation (registry/routes/deprecate.ts): each change is one `deprecate`
 * entry of the transparency log; the same message again, or lifting what is
 * not deprecated, changes nothing, as a second yank does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import {
  raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

describe.each(backends())('deprecation ($name)', (backend) => {
  let reg: TestRegistry;
  const path = '/v1/packs/hello-pack/versions/1.0.0/deprecation';

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    const pack = await signedFixture('hello-pack', key, { version: '1.0.0' });
    await reg.admin.publish(pack.tgz, pack.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const put = async (message: string | null) => {
    const res = await raw(reg, path, { method: 'PUT',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });
    expect(res.status).toBe(200);
    return (await res.json()) as { deprecated_at: string | null };
  };
  const logged = async () => (await reg.admin.logEntries({ pack: 'hello-pack' })).entries
    .filter((e) => e.entry.kind === 'deprecate').map((e) => e.entry.reason);

  it('logs a change once: the same message again or a second lift changes nothing', async () => {
    const first = await put(null);
    expect(first.deprecated_at).toBeNull();
    const made = await put('use 2.x');
    reg.clock.advance(60_000);
    const again = await put('use 2.x');
    expect(again.deprecated_at).toBe(made.deprecated_at);
    await put('use 3.x');
    await put(null);
    await put(null);
    expect(await logged()).toEqual(['use 2.x', 'use 3.x', null]);
  });
});
