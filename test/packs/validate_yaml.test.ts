/**
 * Pack documents read as Cordum reads YAML: alias bombs refused fast with
 * their own code, merge keys applied, text that is not UTF-8 refused with
 * its line, and keys written twice (or alike once parsed) refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackDir } from '../../packs/bundle/source.js';
import { parseYaml } from '../../packs/documents.js';
import { loadPack, validatePack } from '../../packs/load.js';
import { copyPack, ECHO, edit, FRAGMENT, PACK, writeIn } from './helpers/packs.js';
import { thrown } from './helpers/thrown.js';

describe('YAML alias bombs', () => {
  const bomb = [
    'apiVersion: cordum.io/v1alpha1',
    'kind: Pack',
    'metadata: { id: bomb, version: 1.0.0 }',
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
    'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
    'i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
    '',
  ].join('\n');

  it('in pack.yaml make loadPack throw yaml_alias_limit, fast', () => {
    const files = { files: new Map([['pack.yaml', Buffer.from(bomb)]]) };
    const started = Date.now();
    expect(thrown(() => loadPack(files))).toMatchObject({ code: 'yaml_alias_limit',
      issues: [expect.objectContaining({ file: 'pack.yaml', rule: 'yaml_alias_limit' })] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('in a workflow keep their code too', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, ECHO, bomb.replace('metadata: { id: bomb, version: 1.0.0 }', 'id: x'));
    expect(thrown(() => loadPack(readPackDir(dir)))).toMatchObject({ code: 'yaml_alias_limit' });
  });

  it('a few aliases are fine', () => {
    const dir = copyPack('hello-pack');
    edit(dir, PACK, 'riskTags: []', 'riskTags: &none []');
    edit(dir, PACK, 'requires: []', 'requires: *none');
    expect(validatePack(readPackDir(dir)).issues).toEqual([]);
  });
});

describe('YAML as Cordum reads it', () => {
  it('applies merge keys (`<<: *base`) in workflows and policy, as yaml.v3 does', () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, ECHO, [
      'id: hello-pack.echo',
      'x-base: &base { type: worker, topic: job.hello-pack.echo }',
      'steps:',
      '  echo:',
      '    <<: *base',
      '    input: { message: hi }',
      '',
    ].join('\n'));
    writeIn(dir, FRAGMENT, [
      'version: v1',
      'base: &m { topics: ["job.hello-pack.echo"] }',
      'rules:',
      '  - id: deny-echo',
      '    decision: deny',
      '    match: { <<: *m, pack_ids: [hello-pack] }',
      '',
    ].join('\n'));
    expect(validatePack(readPackDir(dir)).issues).toEqual([]);
    const pack = loadPack(readPackDir(dir));
    expect(pack.workflows[0]!.steps.echo).toMatchObject({ type: 'worker',
      topic: 'job.hello-pack.echo' });
    expect(pack.fragments[0]!.fragment.rules[0]!.match).toEqual({
      topics: ['job.hello-pack.echo'], pack_ids: ['hello-pack'] });
  });

  it('takes a list named by many rules (plain reuse is no alias bomb)', () => {
    const dir = copyPack('hello-pack');
    const rules = Array.from({ length: 200 }, (_, i) =>
      `  - { id: r${i}, decision: allow, match: { topics: *t } }`);
    writeIn(dir, FRAGMENT, ['version: v1', 'x: &t ["job.hello-pack.echo"]', 'rules:', ...rules, '']
      .join('\n'));
    expect(validatePack(readPackDir(dir)).issues).toEqual([]);
  });

  it('refuses a file that is not UTF-8, naming the file and line', () => {
    const dir = copyPack('hello-pack');
    const text = readFileSync(join(dir, PACK));
    const at = text.indexOf('title:');
    const bad = Buffer.concat([text.subarray(0, at), Buffer.from([0xff, 0xfe]),
      text.subarray(at)]);
    writeFileSync(join(dir, PACK), bad);
    const line = text.subarray(0, at).toString('utf8').split('\n').length;
    expect(thrown(() => loadPack(readPackDir(dir)))).toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ file: 'pack.yaml', rule: 'document_not_utf8',
        message: expect.stringContaining(`line ${line}`) })],
    });
  });

  it('refuses a workflow whose own input_schema does not compile', () => {
    const dir = copyPack('hello-pack');
    edit(dir, ECHO, 'timeout_sec: 60', 'timeout_sec: 60\ninput_schema: { type: objekt }');
    const issues = validatePack(readPackDir(dir)).issues;
    expect(issues).toEqual([expect.objectContaining({ file: ECHO, path: '/input_schema',
      message: expect.stringContaining('is not a valid JSON Schema') })]);
  });
});

describe('duplicate keys', () => {
  it('names the line of a key written twice in one mapping, however large', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k17: again');
    const text = ['version: v1', 'x:', ...keys, ''].join('\n');
    expect(thrown(() => parseYaml(text, 'big.yaml'))).toMatchObject({ code: 'yaml_syntax',
      message: expect.stringContaining(`big.yaml:${keys.length + 2}: Map keys must be unique`) });
  });

  it('lets merge keys repeat', () => {
    const parsed = parseYaml('a: &a { x: 1 }\nb: &b { y: 2 }\nc: { <<: *a, <<: *b, 1: one }\n',
      'ok.yaml') as { c: Record<string, unknown> };
    expect(parsed.c).toEqual({ x: 1, y: 2, 1: 'one' });
  });

  it('refuses two keys the document would hold as one (1 and "1", null and "")', () => {
    // YAML tells them apart, but the parsed document names both alike: one would be lost.
    for (const [text, line] of [['c: { 1: one, "1": two }\n', 1],
      ['cases:\n  null: [a]\n  "": [b]\n', 3], ['x:\n  ~: 1\n  null: 2\n', 3],
      ['x: { 1.0: a, 1: b }\n', 1], ['x: { true: a, "true": b }\n', 1]] as const) {
      expect(thrown(() => parseYaml(text, 'twice.yaml')), text).toMatchObject({
        code: 'yaml_syntax', message: expect.stringContaining(`twice.yaml:${line}: Map keys ` +
          'must be unique') });
    }
  });
});

describe('keys that are not plain values', () => {
  // The parsed document holds `? [a]` as the key "[ a ]": the second of two silently won.
  it.each([
    ['two list keys alike', 'x:\n  ? [a]\n  : 1\n  ? [a]\n  : 2\n', 2],
    ['a list key and its text quoted', 'x:\n  "[ a ]": 1\n  ? [a]\n  : 2\n', 3],
    ['a mapping key in a flow mapping', 'x: { { a: 1 }: b }\n', 1],
    ['an alias to a list as a key', 'l: &l [a]\nx: { *l : 1 }\n', 2],
  ])('refuses %s, naming the line', (_, text, line) => {
    expect(thrown(() => parseYaml(text, 'keys.yaml'))).toMatchObject({ code: 'yaml_syntax',
      message: expect.stringContaining(`keys.yaml:${line}: A list or mapping is not a mapping ` +
        'key here') });
  });

  it('refuses an alias key that repeats its anchor\'s key', () => {
    expect(thrown(() => parseYaml('x:\n  &k a: 1\n  *k : 2\n', 'keys.yaml'))).toMatchObject({
      code: 'yaml_syntax', message: expect.stringContaining('keys.yaml:3: Map keys must be ' +
        'unique') });
  });

  it('takes an alias key naming a scalar once', () => {
    expect(parseYaml('k: &k name\nx: { *k : 1 }\n', 'ok.yaml'))
      .toEqual({ k: 'name', x: { name: 1 } });
  });
});

describe('values JSON cannot hold', () => {
  // The registry stored `!!set {a, b}` in a manifest as {} and `!!binary` as a Buffer's JSON.
  it.each([
    ['!!binary', 'x: { data: !!binary aGVsbG8= }\n', '/x/data'],
    ['!!set', 'x: [1, !!set { a, b }]\n', '/x/1'],
    ['!!omap', 'x: !!omap [{ a: 1 }]\n', '/x'],
    ['!!timestamp', 'x: { at: !!timestamp 2001-12-14 }\n', '/x/at'],
    ['a tag shorthand of a %TAG directive', '%TAG !y! tag:yaml.org,2002:\n---\nx: !y!set {a}\n',
      '/x'],
  ])('refuses %s, naming the path', (_, text, path) => {
    expect(thrown(() => parseYaml(text, 'tags.yaml'))).toMatchObject({ code: 'yaml_syntax',
      issues: [{ file: 'tags.yaml', path }] });
  });

  it('takes the tags of JSON values (!!str, !!int, !!map, !!seq)', () => {
    expect(parseYaml('a: !!str 1\nb: !!int "2"\nc: !!map { d: !!seq [e] }\n', 'ok.yaml'))
      .toEqual({ a: '1', b: 2, c: { d: ['e'] } });
  });

  it('refuses one in pack.yaml as a validation problem of that file', () => {
    const dir = copyPack('hello-pack');
    edit(dir, PACK, 'title: Hello Pack', 'title: Hello Pack\n  x-tags: !!set { a, b }');
    expect(validatePack(readPackDir(dir)).issues).toContainEqual(expect.objectContaining({
      file: PACK, path: '/metadata/x-tags', rule: 'yaml_syntax' }));
  });
});
