/**
 * catalog.json's `image` for a pack whose `metadata.image` is a file in the
 * pack: a gateway has no pack to resolve `icon.png` in, so the catalog names
 * the absolute URL the file is served from, and that URL answers the image,
 * which the pack's page shows too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { PNG } from '../marketplace/fixtures.js';
import { page, publishFixture, withMetadata } from '../marketplace/helpers.js';
import { raw, registeredKey, startTestRegistry, type TestRegistry } from './helpers.js';

describe.each(backends())('catalog.json images ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
    await publishFixture(reg, key, 'hello-pack', {
      edit: withMetadata('image', './media/icon.png'),
      files: { 'media/icon.png': PNG },
    });
    await publishFixture(reg, key, 'slack');
    await publishFixture(reg, key, 'github', {
      edit: (yaml) => yaml.replace(/^  image: .*$/m, '  image: logo.svg'),
      files: { 'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>' },
    });
  });
  afterAll(async () => {
    await reg?.close();
  });

  const entry = async (id: string) =>
    (await reg.admin.catalog()).packs.find((p) => p.id === id)!;

  it('names a file in the pack by an absolute URL that serves the image', async () => {
    const hello = await entry('hello-pack');

    expect(hello.image).toBe(
      `${reg.url}/marketplace/packs/hello-pack/versions/0.1.0/files/media/icon.png`);
    const res = await raw(reg, new URL(hello.image!).pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('keeps a link as the manifest gives it', async () => {
    expect((await entry('slack')).image).toBe('https://cdn.simpleicons.org/slack');
  });

  it('leaves out a file the registry does not serve as an image', async () => {
    const github = await entry('github');

    expect(github.image).toBeUndefined();
    expect(Object.keys(github)).not.toContain('image');
  });

  it('shows a file in the pack as the icon on the pack page, from the same URL', async () => {
    const res = await page(reg, '/marketplace/packs/hello-pack');

    expect(res.status).toBe(200);
    expect(res.text).toContain('<img class="pack-icon" ' +
      'src="/marketplace/packs/hello-pack/versions/0.1.0/files/media/icon.png"');
    expect((await page(reg, '/marketplace/packs/github')).text).not.toContain('pack-icon');
  });
});
