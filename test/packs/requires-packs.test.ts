/**
 * `requires_packs` entries are checked when a pack is validated, with the
 * syntax the closure resolver reads (`id` or `id@range`): an entry that no
 * install could ever resolve is refused at validate, build and publish.
 */
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../packs/bundle/build.js';
import { readPackDir } from '../../packs/bundle/source.js';
import { parseSpec } from '../../packs/resolve.js';
import { validatePack } from '../../packs/load.js';
import { copyPack, edit } from './helpers/packs.js';

/** A copy of hello-pack whose pack.yaml ends with these `requires_packs`. */
function packRequiring(entries: string[]): string {
  const dir = copyPack('hello-pack');
  const list = entries.map((e) => `  - ${JSON.stringify(e)}`).join('\n');
  edit(dir, 'pack.yaml', /\s*$/, `\nrequires_packs:\n${list}\n`);
  return dir;
}

const accepted = ['deplib', 'deplib@^1.2.0', 'deplib@1.x || >=2.5.0', 'deplib@*',
  'deplib@>=1.0.0 <2.0.0', 'deplib@~0.3', 'deplib@', 'a-0@1.2.3'];

const refused: { entry: string; expected: RegExp }[] = [
  { entry: 'deplib@stable', expected: /"stable" is not a semver range/ },
  { entry: '../../etc', expected: /is not a pack id/ },
  { entry: 'Deplib', expected: /is not a pack id/ },
  { entry: '', expected: /is not a pack id/ },
  { entry: '@deplib', expected: /is not a pack id/ },
  { entry: 'dep lib@^1', expected: /is not a pack id/ },
  { entry: 'deplib@^1@2', expected: /"\^1@2" is not a semver range/ },
  { entry: `${'a'.repeat(129)}@^1`, expected: /is not a pack id \(1 to 128 characters/ },
];

describe('requires_packs at validation', () => {
  it.each(accepted)('accepts %j, as the resolver reads it', (entry) => {
    expect(() => parseSpec(entry)).not.toThrow();
    const result = validatePack(readPackDir(packRequiring([entry])));
    expect(result.issues).toEqual([]);
  });

  it.each(refused)('refuses $entry, naming what was expected', ({ entry, expected }) => {
    const result = validatePack(readPackDir(packRequiring(['deplib', entry])));
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([{ file: 'pack.yaml', path: '/requires_packs/1',
      rule: 'requires_packs', message: expect.stringMatching(expected) }]);
    expect(result.issues[0]!.message).toContain('expected "<id>" or "<id>@<semver range>"');
  });

  it('refuses a pack that requires itself, which no install could resolve', () => {
    const result = validatePack(readPackDir(packRequiring(['deplib', 'hello-pack@^0.1'])));
    expect(result.issues).toEqual([{ file: 'pack.yaml', path: '/requires_packs/1',
      rule: 'requires_packs', message: '"hello-pack@^0.1" names this pack itself: a pack that ' +
        'requires itself can never be installed; remove the entry' }]);
  });

  it('reports every bad entry of the tester\'s manifest at once', () => {
    const result = validatePack(readPackDir(packRequiring(['deplib@stable', '../../etc',
      'Deplib'])));
    expect(result.issues.map((i) => i.path)).toEqual(['/requires_packs/0', '/requires_packs/1',
      '/requires_packs/2']);
  });

  it('refuses to build such a pack', async () => {
    await expect(buildBundle(packRequiring(['deplib@stable']))).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('pack.yaml: /requires_packs/0: "deplib@stable"'),
    });
  });
});
