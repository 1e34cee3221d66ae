/**
 * `cordum pack init` through the real CLI: the scaffold validates with no
 * warning, builds, and passes `cordum pack test` as written; flags answer
 * the questions; every YAML file starts with its schema line; an existing
 * folder is refused. The prompt is exercised over streams.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { idFromName, questionsFor } from '../../packs/scaffold/answers.js';
import { askAnswers } from '../../packs/scaffold/prompt.js';
import { CLI, cordum, json } from '../helpers/cli.js';

const YAML_FILES = ['pack.yaml', 'workflows/hello.yaml', 'overlays/policy.fragment.yaml'];

describe('cordum pack init', () => {
  it('makes an id from a folder name, keeping accented letters as plain ones', () => {
    expect(idFromName('Weather Bot')).toBe('weather-bot');
    expect(idFromName('ünï')).toBe('uni');
    expect(idFromName('Café_Ops 2')).toBe('cafe-ops-2');
    expect(idFromName('日本')).toBe('my-pack');
  });

  it('scaffolds a valid pack for ids YAML would read as other things', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-ids-'));
    for (const id of ['123', 'null', '1e5', 'true']) {
      const r = await cordum(['pack', 'init', id, '--yes', '--json'], { cwd,
        env: { CORDUM_REGISTRY: '' } });
      expect(r.code, r.stderr).toBe(0);
      expect(json<{ id: string }>(r).id).toBe(id);
      const validated = json<{ ok: boolean; id: string }>(
        await cordum(['pack', 'validate', join(cwd, id), '--json']));
      expect(validated).toMatchObject({ ok: true, id });
    }
  });

  it('scaffolds a pack that validates, builds and passes its tests at once', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-'));
    const made = json<{ id: string; files: string[] }>(await cordum(['pack', 'init',
      'Weather Bot', '--yes', '--json'], { cwd, env: { CORDUM_REGISTRY: '' } }));
    expect(made.id).toBe('weather-bot');
    expect(made.files).toEqual([...YAML_FILES, 'schemas/HelloInput.json',
      'schemas/HelloOutput.json', 'README.md']);
    const dir = join(cwd, 'Weather Bot');

    const validated = json<{ ok: boolean; warnings: unknown[] }>(
      await cordum(['pack', 'validate', dir, '--json']));
    expect(validated).toMatchObject({ ok: true, warnings: [] });
    const built = json<{ id: string; version: string }>(await cordum(['pack', 'build', dir,
      '--out', join(cwd, 'wb.tgz'), '--json']));
    expect(built).toMatchObject({ id: 'weather-bot', version: '0.1.0' });
    const tested = json<{ passed: number; failed: number }>(
      await cordum(['pack', 'test', dir, '--json']));
    expect(tested).toMatchObject({ passed: 4, failed: 0 });
    expect((await cordum(['pack', 'test', join(cwd, 'wb.tgz')])).code).toBe(0);

    for (const file of YAML_FILES) {
      const first = readFileSync(join(dir, file), 'utf8').split('\n')[0];
      expect(first).toMatch(/^# yaml-language-server: \$schema=https:\/\/schemas\.cordum\.dev\//);
    }
    expect(readFileSync(join(dir, 'pack.yaml'), 'utf8')).toContain('title: "Weather Bot"');
  });

  it('quotes a folder with a space in the next command it prints', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-next-'));
    const made = await cordum(['pack', 'init', 'Bad Name', '--yes'], { cwd,
      env: { CORDUM_REGISTRY: '' } });
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`next: cordum pack test '${join(cwd, 'Bad Name')}'\n`);
  });

  it('takes every answer from flags and the schema base from the registry', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-flags-'));
    json(await cordum(['pack', 'init', 'p', '--id', 'acme-tools', '--title', 'Acme: "Tools"',
      '--description', 'Tools of Acme.', '--author', 'Ann', '--license', 'MIT', '--json'],
    { cwd, env: { CORDUM_REGISTRY: 'http://127.0.0.1:7800/' } }));
    const yaml = readFileSync(join(cwd, 'p', 'pack.yaml'), 'utf8');
    expect(yaml.split('\n')[0])
      .toBe('# yaml-language-server: $schema=http://127.0.0.1:7800/schemas/pack.schema.json');
    expect(yaml).toContain('  id: acme-tools\n');
    expect(yaml).toContain('  title: "Acme: \\"Tools\\""\n');
    expect(yaml).toContain('  author: "Ann"\n  license: "MIT"\n');
    expect(json<{ ok: boolean }>(await cordum(['pack', 'validate', join(cwd, 'p'), '--json'])).ok)
      .toBe(true);
  });

  it('refuses a bad id and a folder that is not empty', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-refused-'));
    const bad = await cordum(['pack', 'init', 'x', '--id', 'Not_OK', '--yes'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr)
      .toMatch(/^error\[usage\]: --id Not_OK: use 1 to 128 characters of a-z, 0-9 and -/m);
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'keep.txt'), 'mine');
    const taken = await cordum(['pack', 'init', 'taken', '--yes'], { cwd });
    expect(taken.code).toBe(1);
    expect(taken.stderr)
      .toMatch(/^error\[file_exists\]: \S*taken: the folder exists and is not empty/m);
    expect(readFileSync(join(cwd, 'taken', 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('cordum pack init with answers the pack format refuses', () => {
  it('names the flag, exits 2 and writes no folder, so a retry is not refused', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-format-'));
    const cases: [string[], RegExp][] = [
      [['--title', 'T'.repeat(257)],
        /^error\[usage\]: --title T{257}: use at most 256 characters\n$/],
      [['--license', 'L'.repeat(257)], /^error\[usage\]: --license L{257}: use at most 256 /],
      [['--author', 'a\u202eb'],
        /^error\[usage\]: --author "a\u202eb": holds U\+202E at character 2/],
      [['--id', 'a'.repeat(129)], /^error\[usage\]: --id a{129}: use 1 to 128 characters of /],
    ];
    for (const [flags, expected] of cases) {
      const r = await cordum(['pack', 'init', 'p', '--yes', ...flags], { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(existsSync(join(cwd, 'p'))).toBe(false);
    }
    const long = 'n'.repeat(129);
    const fromName = await cordum(['pack', 'init', long, '--yes'], { cwd });
    expect(fromName.code).toBe(2);
    expect(fromName.stderr).toBe(`error[usage]: id ${long} (made from NAME; give --id): use 1 ` +
      'to 128 characters of a-z, 0-9 and -\n');
    expect(existsSync(join(cwd, long))).toBe(false);
    expect((await cordum(['pack', 'init', 'p', '--yes'], { cwd })).code).toBe(0);
  });
});

describe('cordum pack init NAME that cannot be made', () => {
  it('refuses a file, and an empty NAME, which would be the current folder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-name-'));
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const file = await cordum(['pack', 'init', 'notes.txt', '--yes'], { cwd });
    expect(file.code).toBe(1);
    expect(file.stderr).toBe(`error[file_exists]: ${join(cwd, 'notes.txt')}: is a file; give a ` +
      'new folder name\n');
    const empty = await cordum(['pack', 'init', '', '--yes'], { cwd });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error\[usage\]: NAME must name a file or folder, not ""\n/);
  });

  it('leaves no folder when a write fails part way, so the next try works', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-partial-'));
    // Files capped at 1 KiB: pack.yaml is longer, so its write fails part way.
    const capped = spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath,
      CLI, 'pack', 'init', 'p', '--yes'], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect(capped.status, capped.stderr).toBe(1);
    expect(capped.stderr).toMatch(/^error\[file_unwritable\]: /);
    expect(readdirSync(cwd)).toEqual([]);
    expect((await cordum(['pack', 'init', 'p', '--yes'], { cwd })).code).toBe(0);
  });
});

describe('the init prompt', () => {
  it('asks what flags did not answer, takes defaults on empty lines, re-asks bad ids', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c) => (shown += c));
    input.end('Bad Id\nmy-bot\n\nA bot.\n\n');
    const answers = await askAnswers(questionsFor('My Bot'), { license: 'MIT' },
      { input, output });
    expect(answers).toEqual({ id: 'my-bot', title: 'My Bot', description: 'A bot.', author: '',
      license: 'MIT' });
    expect(shown).toContain('Pack id [my-bot]: ');
    expect(shown).toContain('  use 1 to 128 characters of a-z, 0-9 and -\n');
    expect(shown).not.toContain('License');
  });
});

describe('the init prompt, with answers past the format\'s lengths', () => {
  it('asks again, as for a bad id', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c) => (shown += c));
    input.end(`my-bot\n${'T'.repeat(257)}\nMy Bot\n\n\n\n`);
    const answers = await askAnswers(questionsFor('My Bot'), {}, { input, output });
    expect(answers).toMatchObject({ id: 'my-bot', title: 'My Bot' });
    expect(shown).toContain('  use at most 256 characters\n');
  });
});

// util-linux `script` gives the CLI a real terminal, so it asks on stdin.
describe.skipIf(!existsSync('/usr/bin/script'))('cordum pack init on a terminal', () => {
  it('asks each question and uses the answers', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cordum-init-tty-'));
    const command = `"${process.execPath}" "${CLI}" pack init ttyp`;
    const run = spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd,
      input: 'tty-pack\nTTY Pack\n\nAnn\n\n', encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('Pack id [ttyp]: ');
    expect(run.stdout).toContain('License (SPDX id) [Apache-2.0]: ');
    const yaml = readFileSync(join(cwd, 'ttyp', 'pack.yaml'), 'utf8');
    expect(yaml).toContain('  id: tty-pack\n');
    expect(yaml).toContain('  title: "TTY Pack"\n');
    expect(yaml).toContain('  author: "Ann"\n  license: "Apache-2.0"\n');
  });
});
