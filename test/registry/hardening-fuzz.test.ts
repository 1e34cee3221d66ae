/**
 * Property tests of the readers a publish runs first: random, mutated and
 * hand-built tarballs through `readBundle`, and random documents through
 * the YAML/JSON readers and `loadPack`. Whatever the input, the only error
 * is our own `PackError` (never a TypeError, RangeError or a hang).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_PACKS } from '../helpers/cli.js';
import { MINIMAL_MANIFEST, TYPE, tgzOf } from '../packs/helpers/tar.js';
import { buildBundle } from '../../packs/bundle/build.js';
import { readBundle } from '../../packs/bundle/read.js';
import { parseJson, parseYaml } from '../../packs/documents.js';
import { isPackError } from '../../packs/errors.js';
import { loadPack } from '../../packs/load.js';

/** Runs `fn`; an error that is not a PackError fails the property. */
async function onlyPackErrors(fn: () => unknown): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (isPackError(err)) return true;
    throw err;
  }
}

const SMALL = { maxUploadBytes: 256 * 1024, maxTotalBytes: 1024 * 1024, maxFiles: 64 };

let real: Buffer;
beforeAll(async () => {
  real = (await buildBundle(join(SHARED_PACKS, 'hello-pack'))).tgz;
});

/** Flips, overwrites and truncates bytes of `base`. */
const mutated = (base: () => Buffer) => fc.record({
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1,
    maxLength: 8 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
}).map(({ flips, cut }) => {
  const b = Buffer.from(base());
  for (const [at, value] of flips) b[at % b.length] = value;
  return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
});

describe('fuzzing the tarball reader', () => {
  it('refuses random bytes with PackError only', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), (bytes) =>
      onlyPackErrors(() => readBundle(Buffer.from(bytes), SMALL))), { numRuns: 2000 });
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), (bytes) =>
      onlyPackErrors(() => readBundle(gzipSync(bytes), SMALL))), { numRuns: 1000 });
  });

  it('reads or refuses a mutated real tarball, compressed or not', async () => {
    await fc.assert(fc.asyncProperty(mutated(() => real), (tgz) =>
      onlyPackErrors(() => readBundle(tgz, SMALL))), { numRuns: 1000 });
    await fc.assert(fc.asyncProperty(mutated(() => gunzipSync(real)), (tar) =>
      onlyPackErrors(() => readBundle(gzipSync(tar), SMALL))), { numRuns: 1500 });
  });

  it('reads or refuses hand-built archives of any names, types and sizes', async () => {
    const name = fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 })
      .map((b) => Buffer.from(b)), fc.constantFrom('pack.yaml', '../x', '/etc/x', 'a/../../b',
      'a//b', 'A/pack.yaml', 'pack.yaml/'));
    const entry = fc.record({
      name,
      type: fc.constantFrom(...Object.values(TYPE)),
      body: fc.oneof(fc.string({ maxLength: 200 }), fc.constant(MINIMAL_MANIFEST)),
      size: fc.option(fc.nat({ max: 100_000 }), { nil: undefined }),
    }).map((e) => (e.size === undefined ? { name: e.name, type: e.type, body: e.body }
      : { name: e.name, type: e.type, body: e.body, size: e.size }));
    await fc.assert(fc.asyncProperty(fc.array(entry, { maxLength: 6 }), (entries) =>
      onlyPackErrors(() => readBundle(tgzOf(entries), SMALL))), { numRuns: 1500 });
  });
});

describe('fuzzing the document and manifest readers', () => {
  it('parses or refuses any text as YAML and JSON', async () => {
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: fc.constantFrom(
      '[', ']', '{', '}', ':', '-', ' ', '\n', '&a', '*a', '!!str', '"', "'", '#', 'x', '<<') ,
    maxLength: 200 }));
    await fc.assert(fc.asyncProperty(text, (t) => onlyPackErrors(() => parseYaml(t, 'f.yaml'))),
      { numRuns: 3000 });
    await fc.assert(fc.asyncProperty(fc.oneof(fc.json(), fc.string({ maxLength: 300 })), (t) =>
      onlyPackErrors(() => parseJson(t, 'f.json'))), { numRuns: 2000 });
  });

  it('loads or refuses any manifest and workflow a pack may carry', async () => {
    const files = await readBundle(real);
    expect(files.files.has('pack.yaml')).toBe(true);
    const value = fc.anything({ maxDepth: 4, withNullPrototype: false });
    const yamlOf = (v: unknown) => (stringify(v) as string | undefined) ?? '';
    const manifest = fc.oneof(
      value.map(yamlOf),
      fc.record({ metadata: fc.record({ id: fc.string(), version: fc.string() }),
        apiVersion: fc.constantFrom('cordum.io/v1alpha1', 'x'), kind: fc.constant('Pack'),
        topics: value, resources: value }).map(yamlOf),
      mutated(() => files.files.get('pack.yaml')!).map((b) => b.toString('utf8')));
    await fc.assert(fc.asyncProperty(manifest, value, (yaml, workflow) => onlyPackErrors(() => {
      const copy = new Map(files.files);
      copy.set('pack.yaml', Buffer.from(yaml));
      for (const name of copy.keys()) {
        if (name.startsWith('workflows/')) copy.set(name, Buffer.from(yamlOf(workflow)));
      }
      return loadPack({ files: copy });
    })), { numRuns: 1000 });
  });
});
