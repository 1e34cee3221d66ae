/**
 * `installPacks` holds a registry to what it was asked: a resolve answer of
 * another pack, or of a version outside the range (a mirror handing out an
 * old version for `^2`), is refused before anything is downloaded or
 * pinned; a dist-tag is the registry's to answer.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installPacks, type InstallRegistry, type PublishedVersion } from '../../packs/install.js';
import { LOCK_FILE } from '../../packs/lock.js';

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

/** A registry that resolves every range to `answer` and records what else it was asked. */
function answering(answer: Pick<PublishedVersion, 'id' | 'version'>) {
  const asked: string[] = [];
  const refuse = (what: string) => async (): Promise<never> => {
    asked.push(what);
    throw new Error(`the registry was asked: ${what}`);
  };
  const registry: InstallRegistry = {
    resolve: async () => ({ ...answer, sha256: 'a'.repeat(64), key_id: 'b'.repeat(64),
      tarball_url: 'http://127.0.0.1:9/t', bundle_url: 'http://127.0.0.1:9/b' }),
    getVersion: refuse('getVersion'), fetchBytes: refuse('fetchBytes'), getKey: refuse('getKey'),
  };
  return { registry, asked };
}

describe('installPacks refuses a resolve answer that is not what was asked', () => {
  it.each([
    ['a version below the range', 'deplib@^2.0.0', { id: 'deplib', version: '1.0.0' },
      'deplib@^2.0.0: the registry answered deplib@1.0.0, which is not in the range ^2.0.0'],
    ['an exact version other than the one asked', 'deplib@1.5.0',
      { id: 'deplib', version: '1.0.0' }, 'which is not in the range 1.5.0'],
    ['a pre-release for a range of releases', 'deplib@^1.0.0',
      { id: 'deplib', version: '1.2.0-rc.1' }, 'which is not in the range ^1.0.0'],
    ['another pack', 'deplib', { id: 'evil', version: '1.0.0' },
      'deplib: the registry answered evil@1.0.0, which is not pack deplib'],
  ])('%s', async (_name, spec, answer, message) => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-install-resolve-'));
    projects.push(project);
    const { registry, asked } = answering(answer);
    await expect(installPacks({ registry, project, specs: [spec] })).rejects.toMatchObject({
      code: 'registry_error', message: expect.stringContaining(message) });
    expect(asked).toEqual([]);
    expect(existsSync(join(project, LOCK_FILE))).toBe(false);
  });

  it('refuses another version than the one a requires_packs closure chose', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-install-resolve-'));
    projects.push(project);
    const { registry, asked } = answering({ id: 'deplib', version: '1.5.0' });
    const closure = Object.assign(registry, {
      getPack: async () => ({ versions: [{ version: '1.5.0' }] }),
      getManifest: async () => ({ requires_packs: [] }),
      getVersion: async () => ({ id: 'deplib', version: '1.0.0', sha256: 'a'.repeat(64),
        key_id: 'b'.repeat(64), tarball_url: 'http://127.0.0.1:9/t',
        bundle_url: 'http://127.0.0.1:9/b' }),
    });
    await expect(installPacks({ registry: closure, project, specs: ['deplib@^1'] })).rejects
      .toMatchObject({ code: 'registry_error', message: 'deplib@1.5.0: the registry answered ' +
        'deplib@1.0.0, which is not in the range 1.5.0' });
    expect(asked).toEqual([]);
  });

  it('takes any version for a dist-tag, asking on for its bytes', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-install-resolve-'));
    projects.push(project);
    const { registry, asked } = answering({ id: 'deplib', version: '0.1.0' });
    await expect(installPacks({ registry, project, specs: ['deplib@stable'] })).rejects
      .toThrow('the registry was asked: fetchBytes');
    expect(asked).toEqual(['fetchBytes']);
  });
});
