/**
 * The real `cordum` CLI, spawned: keygen, pack validate and test, each with
 * its output, exit code and `--json` form (build, sign and verify: cli_sign.test.ts).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../packs/bundle/build.js';
import { keyIdOf } from '../../packs/signing/keys.js';
import { cordum, cordumJson, ensureBuilt } from './helpers/cli.js';
import { copyPack, edit, realPack } from './helpers/packs.js';
import { tgzOf } from './helpers/tar.js';

const temp = (label: string) => mkdtempSync(join(tmpdir(), `cordum-cli-${label}-`));

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('cordum keygen', () => {
  it('writes a private key (0600) and a public key, and prints the key id', () => {
    const dir = temp('keys');
    const run = cordum(['keygen', '--out', dir]);
    expect(run.status).toBe(0);
    const pub = readFileSync(join(dir, 'cordum.pub'), 'utf8');
    expect(readFileSync(join(dir, 'cordum.key'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(statSync(join(dir, 'cordum.key')).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain(`key id ${keyIdOf(pub)}`);
  });

  it('refuses to overwrite a key pair without --force', () => {
    const dir = temp('keys');
    const first = cordumJson<{ key_id: string }>(['keygen', '--out', dir]);
    expect(first.status).toBe(0);
    const again = cordum(['keygen', '--out', dir]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^error\[key_exists\]: /);
    expect(keyIdOf(readFileSync(join(dir, 'cordum.pub'), 'utf8'))).toBe(first.json.key_id);

    const forced = cordumJson<{ key_id: string }>(['keygen', '--out', dir, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.json.key_id).not.toBe(first.json.key_id);
  });

  it('names the file that exists when only the public key is there', () => {
    const dir = temp('keys');
    writeFileSync(join(dir, 'cordum.pub'), 'kept\n');
    const run = cordum(['keygen', '--out', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error\[key_exists\]: \S*cordum\.pub already exists;/);
    expect(run.stderr).not.toContain('cordum.key');
  });
});

describe('cordum pack validate', () => {
  it('passes a real pack', () => {
    const run = cordum(['pack', 'validate', realPack('slack')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ok slack@0.1.0: 2 workflow(s), 2 rule(s), 2 schema(s)\n');
    expect(run.stderr).toBe('');
  });

  it('describes a real pack as JSON', () => {
    const run = cordumJson(['pack', 'validate', realPack('hello-pack')]);
    expect(run.status).toBe(0);
    expect(run.json).toEqual({ ok: true, id: 'hello-pack', version: '0.1.0',
      workflows: ['hello-pack.echo'], rules: 1,
      schemas: ['hello-pack/HelloInput', 'hello-pack/HelloOutput'], warnings: [] });
  });

  it('fails a broken pack, naming file and path on stderr', () => {
    const dir = copyPack('hello-pack');
    edit(dir, 'workflows/echo.yaml', '    id: echo\n', '    id: echo2\n');
    edit(dir, 'pack.yaml', 'version: 0.1.0', 'version: "0.1"');
    const run = cordum(['pack', 'validate', dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error[validation_failed]: ');
    expect(run.stderr).toContain('2 problem(s) found');
    expect(run.stderr).toMatch(/^ {2}workflows\/echo\.yaml: \/steps\/echo\/id: step id "echo2"/m);
    expect(run.stderr).toMatch(/^ {2}pack\.yaml: \/metadata\/version: "0\.1" is not a semver/m);
  });

  it('fails a broken pack as JSON with the code and every issue', () => {
    const dir = copyPack('demo-guardrails');
    edit(dir, 'overlays/policy.fragment.yaml', '- job.demo-guardrails.safe', '- "job.["');
    const run = cordumJson<{ ok: boolean; error: { code: string; issues: unknown[] } }>(
      ['pack', 'validate', dir]);
    expect(run.status).toBe(1);
    expect(run.json).toEqual({ ok: false, error: {
      code: 'validation_failed',
      message: expect.stringContaining('1 problem(s) found'),
      issues: [{ file: 'overlays/policy.fragment.yaml', path: '/rules/2/match/topics/0',
        rule: 'glob', message: expect.stringContaining('job.[') }],
    } });
  });

  it('reads a .tgz too, and refuses a hostile one with its code', () => {
    const dir = temp('tgz');
    const hostile = join(dir, 'hostile.tgz');
    writeFileSync(hostile, tgzOf([{ name: 'pack.yaml', body: 'kind: Pack\n' },
      { name: '../../escape.sh', body: 'rm -rf /' }]));
    const run = cordumJson<{ ok: boolean; error: { code: string } }>(
      ['pack', 'validate', hostile]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'bundle_path_traversal' } });
    // The message names the tarball as well as the entry, for validate and test alike.
    for (const command of ['validate', 'test']) {
      const text = cordum(['pack', command, hostile]);
      expect(text.stderr).toBe(`error[bundle_path_traversal]: ${hostile}: "../../escape.sh": ` +
        'path leaves the bundle (..)\n');
    }
  });

  it('refuses a folder the tarball reader would refuse, as pack build does', () => {
    // A file that compresses past the ratio limit (5 MB of zeros).
    const dense = copyPack('hello-pack');
    writeFileSync(join(dense, 'blank.bin'), Buffer.alloc(5 * 1024 * 1024));
    const ratio = cordum(['pack', 'validate', dense]);
    expect(ratio.status).toBe(1);
    expect(ratio.stderr).toMatch(new RegExp('^error\\[bundle_ratio_exceeded\\]: pack tarball ' +
      'expands more than 200 times its compressed size \\(at least \\d+ bytes from \\d+\\)'));
    expect(ratio.stderr).toContain('; the largest file is blank.bin (5242880 bytes)');
    // One name written in two Unicode forms: one file on a normalising disk.
    const twice = copyPack('hello-pack');
    writeFileSync(join(twice, 'caf\u00e9.md'), 'nfc\n');
    writeFileSync(join(twice, 'cafe\u0301.md'), 'nfd\n');
    const forms = cordum(['pack', 'validate', twice]);
    expect(forms.status).toBe(1);
    expect(forms.stderr).toMatch(new RegExp('^error\\[bundle_duplicate_entry\\]: caf.*\\.md: ' +
      'another file differs from it only in upper and lower case or in how its accents'));
  });

  it('says which source is missing', () => {
    const run = cordum(['pack', 'validate', join(temp('none'), 'nothing-here')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error\[file_missing\]: .*nothing-here/);
  });

  it('exits non-zero on a usage error', () => {
    const run = cordum(['pack', 'validate']);
    // cli/main.ts means 2 here, but its exitOverride is set after the subcommands exist.
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("missing required argument 'source'");
  });
});

describe('cordum pack test', () => {
  it('passes a real pack', () => {
    const run = cordum(['pack', 'test', realPack('slack')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe([
      'pass allow_read: ALLOW (rule slack-read)',
      'pass write_requires_approval: REQUIRE_APPROVAL (rule slack-write)',
      '2 passed, 0 failed',
      '',
    ].join('\n'));
  });

  it('passes a built tarball, as JSON', async () => {
    const file = join(temp('test'), 'github.tgz');
    writeFileSync(file, (await buildBundle(realPack('github'))).tgz);
    const run = cordumJson<{ id: string; passed: number; failed: number; snapshot: string }>(
      ['pack', 'test', file]);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ id: 'github', passed: 2, failed: 0,
      snapshot: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });

  it('exits 1 when a simulation fails, saying what it got', () => {
    const dir = copyPack('slack');
    edit(dir, 'pack.yaml', 'expectDecision: ALLOW', 'expectDecision: DENY');
    const run = cordum(['pack', 'test', dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAIL allow_read: expected DENY, got ALLOW (rule slack-read)');
    expect(run.stdout).toContain('1 passed, 1 failed');
  });

  it('reports no rule when none matched', () => {
    const dir = copyPack('github');
    edit(dir, 'pack.yaml', 'topic: job.github.write', 'topic: job.github.admin');
    const run = cordumJson<{ failed: number; results: { name: string; actual: string;
      passed: boolean; ruleId?: string }[] }>(['pack', 'test', dir]);
    expect(run.status).toBe(1);
    expect(run.json.failed).toBe(1);
    expect(run.json.results[1]).toEqual({ name: 'write_requires_approval',
      expected: 'REQUIRE_APPROVAL', actual: 'ALLOW', passed: false });
  });

  it('says so when a pack declares no simulations', () => {
    const run = cordum(['pack', 'test', realPack('hello-pack')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('hello-pack: no policy simulations declared\n');
  });
});

describe('errors of the machine and of the command line', () => {
  it('name the path and give a code of ours, not a raw Node error', () => {
    const dir = temp('errors');
    const pack = copyPack('hello-pack');
    const out = join(dir, 'out');
    // An --out that is a folder gets the tarball inside; one under a file cannot be written.
    writeFileSync(join(dir, 'plain'), 'x');
    const fileAsFolder = cordum(['pack', 'build', pack, '--out', join(dir, 'plain', 'p.tgz')]);
    expect(fileAsFolder.status).toBe(1);
    expect(fileAsFolder.stderr)
      .toMatch(/^error\[file_unwritable\]: a file is where a folder was expected \(.*plain/);

    const file = cordum(['pack', 'validate', join(pack, 'pack.yaml')]);
    expect(file.status).toBe(1);
    expect(file.stderr).toContain('pack.yaml is a file but not a pack tarball (.tgz)');

    expect(cordum(['pack', 'build', pack, '--out', `${out}.tgz`]).status).toBe(0);
    const url = cordum(['pack', 'publish', `${out}.tgz`, '--registry', 'not a url']);
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('error[usage]: registry "not a url" is not an http(s) URL');
  });
});

describe('usage errors with --json', () => {
  it('print the same JSON failure document as any other error, exit 2', () => {
    const run = cordum(['pack', 'verify', 'x.tgz', '--json']);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, error: { code: 'usage',
      message: "required option '--key <file>' not specified" } });
    // Without --json, stdout stays empty and the usage goes to stderr.
    const plain = cordum(['pack', 'verify', 'x.tgz']);
    expect(plain.stdout).toBe('');
    expect(plain.status).toBe(2);
    expect(plain.stderr).toMatch(/^error\[usage\]: required option '--key <file>' not specified/);
  });
});
