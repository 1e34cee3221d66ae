/**
 * Versions stored before the reader and loader got stricter, which they now
 * refuse, on the pages of other versions: the pack page of the next version
 * and the changelog name them instead of failing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { editFile, storeOldVersion } from '../registry/old-versions.js';
import { GITHUB_0_2_0 } from './fixtures.js';
import { api, page, publishFixture, textOf } from './helpers.js';

const NOT_SHOWN = 'can no longer be read by this registry, so the change cannot be shown.';

/** The text of element `id`, without the spaces `textOf` leaves for a `<code>` inside (). */
function plain(html: string, id: string): string {
  return textOf(html, id).replace(/\( /g, '(').replace(/ \)/g, ')');
}

describe.each(backends())('versions this registry can no longer read ($name)', (backend) => {
  let reg: TestRegistry;
  let sha009 = '';

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    sha009 = (await publishFixture(reg, key, 'github', { version: '0.0.9' })).sha256;
    await publishFixture(reg, key, 'github');
    // 0.1.1: the loader refuses a number JSON cannot hold; 0.1.2: the reader a sparse entry.
    await storeOldVersion(reg, key, 'github', '0.1.1', {
      files: editFile('workflows/github_issue_create.yaml', 'timeout_sec: 120',
        'timeout_sec: .inf') });
    await storeOldVersion(reg, key, 'github', '0.1.2', {
      entries: [{ name: 'notes', type: 'S', body: '' }] });
    await publishFixture(reg, key, 'github', GITHUB_0_2_0);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('shows the latest version, saying the version before it cannot be read', async () => {
    const res = await page(reg, '/marketplace/packs/github');
    expect(res.status).toBe(200);
    expect(textOf(res.text, 'main')).toContain('GitHub 0.2.0');
    expect(plain(res.text, 'changes')).toBe('What changed 0.1.2 → 0.2.0 Version 0.1.2 ' +
      `(bundle_special_file) ${NOT_SHOWN} Changelog of every version`);
    expect(res.text).toContain('Version 0.1.2 (<code>bundle_special_file</code>) can no longer');
  });

  it('shows the change between two readable versions as before', async () => {
    const res = await page(reg, '/marketplace/packs/github/versions/0.1.0');
    expect(res.status).toBe(200);
    expect(textOf(res.text, 'changes')).toContain('0.0.9 → 0.1.0 No change');
  });

  it('keeps the clear error on the page of an unreadable version itself', async () => {
    const loader = await page(reg, '/marketplace/packs/github/versions/0.1.1');
    expect(loader.status).toBe(422);
    expect(textOf(loader.text, 'main')).toContain('workflows/github_issue_create.yaml');
    const reader = await page(reg, '/marketplace/packs/github/versions/0.1.2');
    expect(reader.status).toBe(422);
    expect(textOf(reader.text, 'main')).toContain('notes: entry type');
  });

  it('lists every step of the changelog, an unreadable one as a short entry', async () => {
    const res = await page(reg, '/marketplace/packs/github/changelog');
    expect(res.status).toBe(200);
    const steps = plain(res.text, 'main').split(/(?=\d\.\d\.\d → )/).slice(1)
      .map((s) => s.trim());
    expect(steps).toEqual([
      `0.1.2 → 0.2.0 Version 0.1.2 (bundle_special_file) ${NOT_SHOWN}`,
      `0.1.1 → 0.1.2 Versions 0.1.1 (validation_failed) and 0.1.2 (bundle_special_file) ${
        NOT_SHOWN}`,
      `0.1.0 → 0.1.1 Version 0.1.1 (validation_failed) ${NOT_SHOWN}`,
      '0.0.9 → 0.1.0 No change to rules, topics, capabilities, workflows or schemas.',
    ]);
  });

  it('keeps the error of a comparison asked for with an unreadable side', async () => {
    const res = await page(reg, '/marketplace/packs/github/changelog?from=0.1.1&to=0.2.0');
    expect(res.status).toBe(422);
    expect(textOf(res.text, 'main')).toContain('workflows/github_issue_create.yaml');
    const json = await api(reg, 'GET', '/v1/packs/github/changelog');
    expect(json).toMatchObject({ status: 422, json: { code: 'bundle_special_file' } });
  });

  it('still fails a page when the version before cannot be read for another reason',
    async () => {
      writeFileSync(join(reg.dataDir, 'blobs', 'sha256', sha009.slice(0, 2), sha009),
        'tampered');
      // Past the details cache's time to live, so 0.0.9 is read again from its blob.
      reg.clock.advance(10 * 60 * 1000);
      for (const path of ['/marketplace/packs/github/versions/0.1.0',
        '/marketplace/packs/github/changelog']) {
        const res = await page(reg, path);
        expect(res.status, path).toBe(500);
        expect(textOf(res.text, 'main'), path).toContain('Stored Blob Corrupt');
      }
    });
});
