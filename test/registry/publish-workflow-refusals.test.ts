/**
 * A workflow the engine could never run is refused at publish with 422
 * problem+json, not a 500: an expression nested past the language's limit
 * (it overflowed the stack in pathsOf), and text PostgreSQL cannot store
 * (it failed only when the run was written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { MINIMAL_MANIFEST, tgzOf } from '../packs/helpers/tar.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import {
  blobFiles, publishForm, raw, readProblem, registeredKey, startTestRegistry, versionRows,
  type TestRegistry,
} from './helpers.js';

const FILE = 'workflows/check.yaml';

/** A pack `tiny` with one workflow whose one step is written as `step` (YAML lines). */
function packWith(step: string): Buffer {
  const manifest = `${MINIMAL_MANIFEST}resources:\n  workflows:\n` +
    `    - id: tiny.check\n      path: ${FILE}\n`;
  const workflow = `id: tiny.check\nsteps:\n  check:\n    type: transform\n${step}`;
  return tgzOf([{ name: 'pack.yaml', body: manifest }, { name: FILE, body: workflow }]);
}

const CASES: { name: string; step: string; path: string; rule: string }[] = [
  { name: 'a condition of 10,000 nested "!"', path: '/steps/check/condition',
    rule: 'expression_invalid',
    step: `    condition: "${'!'.repeat(10_000)}input.ok"\n` },
  { name: 'a template of 2,000 nested parentheses', path: '/steps/check/input/x',
    rule: 'expression_invalid',
    step: `    input:\n      x: "\${${'('.repeat(2_000)}input.ok${')'.repeat(2_000)}}"\n` },
  { name: 'a NUL in a step input key', path: '/steps/check/input/a\u0000b', rule: 'text',
    step: '    input:\n      "a\\0b": 1\n' },
  { name: 'an unpaired surrogate in a step input value', path: '/steps/check/input/x',
    rule: 'text', step: '    input:\n      x: "\\uD800"\n' },
];

describe.each(backends())('publishing an unrunnable workflow ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it.each(CASES)('refuses $name with 422 validation_failed naming $path',
    async ({ step, path, rule }) => {
      const tgz = packWith(step);
      const res = await raw(reg, '/v1/packs', { method: 'POST',
        body: publishForm({ tarball: tgz, bundle: signTarball(tgz, key.privatePem) }) });

      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await readProblem(res)).toMatchObject({ code: 'validation_failed',
        issues: [expect.objectContaining({ file: FILE, path, rule })] });
      expect(await versionRows(reg)).toEqual([]);
      expect(blobFiles(reg)).toEqual([]);
    });

  it('publishes the same pack with a plain condition', async () => {
    const tgz = packWith('    condition: "!!input.ok && (first(input.list) == 1)"\n');
    await reg.admin.publish(tgz, signTarball(tgz, key.privatePem));
    expect((await versionRows(reg)).map((r) => r.pack_id)).toEqual(['tiny']);
  });
});
