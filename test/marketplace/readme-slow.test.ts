/**
 * A README that runs marked into its time limit is shown as plain text, and
 * costs that time once while the pack's details are cached, not at every view
 * of its page (the registry's one thread is held for it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { README_RENDER_MS } from '../../registry/marketplace/render/readme.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { page, publishFixture } from './helpers.js';

describe.each(backends())('a README slow to render ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    await publishFixture(reg, key, 'hello-pack', { files: { 'README.md': '_a'.repeat(100_000) } });
  });
  afterAll(async () => {
    await reg?.close();
  });

  const view = async () => {
    const started = performance.now();
    const res = await page(reg, '/marketplace/packs/hello-pack');
    return { status: res.status, ms: performance.now() - started,
      plain: res.text.includes('<pre class="readme-plain">_a_a') };
  };

  it('is rendered once, as plain text, then served from the cache', async () => {
    const first = await view();
    expect([first.status, first.plain]).toEqual([200, true]);
    expect(first.ms).toBeGreaterThanOrEqual(README_RENDER_MS);

    const again = await view();
    expect([again.status, again.plain]).toEqual([200, true]);
    expect(again.ms).toBeLessThan(README_RENDER_MS * 0.75);
  }, 60_000);
});
