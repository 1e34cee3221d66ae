/**
 * The real `cordum` CLI, spawned: keygen, pack validate, build, sign,
 * verify and test, each with its output, exit code and `--json` form.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../packs/bundle/build.js';
import { sha256Hex } from '../../packs/digest.js';
import { readBundle } from '../../packs/bundle/read.js';
import type { PackError } from '../../packs/errors.js';
import { keyIdOf } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { cordum, cordumJson, ensureBuilt } from './helpers/cli.js';
import { copyPack, edit, realPack } from './helpers/packs.js';
import { MINIMAL_MANIFEST, tgzOf } from './helpers/tar.js';

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

describe('cordum pack build, sign and verify', () => {
  let work: string;
  let tgzPath: string;
  let keys: string;
  let otherKeys: string;

  beforeAll(() => {
    work = temp('release');
    keys = join(work, 'keys');
    otherKeys = join(work, 'other-keys');
    expect(cordum(['keygen', '--out', keys]).status).toBe(0);
    expect(cordum(['keygen', '--out', otherKeys]).status).toBe(0);
    tgzPath = join(work, 'out', 'github.tgz');
  });

  it('builds the same bytes as buildBundle', async () => {
    const run = cordumJson<{ id: string; version: string; file: string; sha256: string;
      size: number }>(['pack', 'build', realPack('github'), '--out', tgzPath]);
    expect(run.status).toBe(0);
    const expected = (await buildBundle(realPack('github'))).tgz;
    const written = readFileSync(tgzPath);
    expect(written.equals(expected)).toBe(true);
    expect(run.json).toEqual({ id: 'github', version: '0.1.0', file: tgzPath,
      sha256: sha256Hex(written), size: written.length });
  });

  it('names the tarball <id>-<version>.tgz in the current folder by default', () => {
    const cwd = temp('cwd');
    const run = cordum(['pack', 'build', realPack('hello-pack')], cwd);
    expect(run.status).toBe(0);
    const file = join(cwd, 'hello-pack-0.1.0.tgz');
    expect(run.stdout).toBe(`built ${file} (${statSync(file).size} bytes, sha256 ${
      sha256Hex(readFileSync(file))})\n`);
  });

  it('refuses to build a broken pack', () => {
    const dir = copyPack('hello-pack');
    edit(dir, 'pack.yaml', 'id: hello-pack', 'id: Hello');
    const run = cordum(['pack', 'build', dir, '--out', join(temp('bad'), 'x.tgz')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error\[validation_failed\]: pack is invalid: pack\.yaml: /);
  });

  it('signs and verifies the tarball', () => {
    const signed = cordum(['pack', 'sign', tgzPath, '--key', join(keys, 'cordum.key')]);
    const keyId = keyIdOf(readFileSync(join(keys, 'cordum.pub'), 'utf8'));
    expect(signed.status).toBe(0);
    expect(signed.stdout).toBe(`signed: wrote ${tgzPath}.sigstore.json (key ${keyId})\n`);
    const bundle = JSON.parse(readFileSync(`${tgzPath}.sigstore.json`, 'utf8'));
    expect(bundle.verificationMaterial.publicKey.hint).toBe(keyId);

    const verified = cordumJson(['pack', 'verify', tgzPath, '--key', join(keys, 'cordum.pub')]);
    expect(verified.status).toBe(0);
    expect(verified.json).toEqual({ verified: true, key_id: keyId,
      sha256: sha256Hex(readFileSync(tgzPath)) });
  });

  it('refuses to sign a file that is not a pack tarball, writing nothing', () => {
    const junk = join(work, 'junk.tgz');
    writeFileSync(junk, Buffer.from('not a tarball at all'));
    const run = cordum(['pack', 'sign', junk, '--key', join(keys, 'cordum.key')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error[bundle_corrupt]: ${junk}: pack tarball is not gzip-compressed ` +
      'tar; sign the tarball `cordum pack build` made\n');
    expect(existsSync(`${junk}.sigstore.json`)).toBe(false);
  });

  it('names the key file and what it holds when it is not a P-256 key', () => {
    const p384 = join(work, 'p384.key');
    writeFileSync(p384, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey
      .export({ type: 'pkcs8', format: 'pem' }));
    const run = cordum(['pack', 'sign', tgzPath, '--key', p384]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error[key_invalid]: ${p384}: expected an ECDSA P-256 private key, ` +
      'got ec secp384r1\n');
  });

  it('refuses a bundle checked against another key', () => {
    cordum(['pack', 'sign', tgzPath, '--key', join(keys, 'cordum.key')]);
    const run = cordum(['pack', 'verify', tgzPath, '--key', join(otherKeys, 'cordum.pub')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error\[signature_unknown_key\]: /);
  });

  it('names the key file when --key is a private key (verify, and publish --to npm)', () => {
    cordum(['pack', 'sign', tgzPath, '--key', join(keys, 'cordum.key')]);
    const priv = join(keys, 'cordum.key');
    const verify = cordum(['pack', 'verify', tgzPath, '--key', priv]);
    // Port 9 is never listened on: the key is refused before any request.
    const publish = cordum(['pack', 'publish', tgzPath, '--to', 'npm:http://127.0.0.1:9/',
      '--key', priv]);
    for (const run of [verify, publish]) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`error[key_invalid]: public key ${priv}: is a private key`);
    }
  });

  it('refuses a tampered tarball', () => {
    const bundlePath = join(work, 'github.bundle.json');
    cordum(['pack', 'sign', tgzPath, '--key', join(keys, 'cordum.key'), '--out', bundlePath]);
    const tampered = join(work, 'tampered.tgz');
    const bytes = readFileSync(tgzPath);
    bytes[100] ^= 0xff;
    writeFileSync(tampered, bytes);
    const run = cordumJson<{ error: { code: string; details: Record<string, string> } }>([
      'pack', 'verify', tampered, '--key', join(keys, 'cordum.pub'), '--bundle', bundlePath]);
    expect(run.status).toBe(1);
    expect(run.json.error).toMatchObject({ code: 'digest_mismatch',
      details: { actual: sha256Hex(bytes), expected: sha256Hex(readFileSync(tgzPath)) } });
  });

  it('refuses a well-signed tarball that install would refuse, with install\'s code',
    async () => {
      // Hand-made: a `../` entry no build writes, signed with the real key from keygen.
      const hostile = join(work, 'hostile.tgz');
      const bytes = tgzOf([{ name: 'pack.yaml', body: MINIMAL_MANIFEST },
        { name: '../../escape.sh', body: 'rm -rf /' }]);
      writeFileSync(hostile, bytes);
      const signed = cordum(['pack', 'sign', hostile, '--key', join(keys, 'cordum.key')]);
      expect(signed.status).toBe(1);
      writeFileSync(`${hostile}.sigstore.json`, JSON.stringify(
        signTarball(bytes, readFileSync(join(keys, 'cordum.key'), 'utf8'))));
      // Install reads every download with readBundle: this is what it answers.
      const installs = await readBundle(bytes).then(() => 'read', (e: PackError) => e.code);
      expect(installs).toBe('bundle_path_traversal');

      const run = cordum(['pack', 'verify', hostile, '--key', join(keys, 'cordum.pub')]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^error\\[${installs}\\]: ${hostile}: .*escape\\.sh`));
      const json = cordumJson<{ error: { code: string } }>(
        ['pack', 'verify', hostile, '--key', join(keys, 'cordum.pub')]);
      expect(json.json.error.code).toBe(installs);
    });

  it('says when the bundle is missing', () => {
    const lonely = join(work, 'lonely.tgz');
    writeFileSync(lonely, readFileSync(tgzPath));
    const run = cordum(['pack', 'verify', lonely, '--key', join(keys, 'cordum.pub')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error\[file_missing\]: bundle .*lonely\.tgz\.sigstore\.json/);
  });

  it('refuses to publish an unsigned tarball as signature_missing, before any request', () => {
    const dir = join(work, 'not signed');
    mkdirSync(dir, { recursive: true });
    const lonely = join(dir, 'lonely.tgz');
    writeFileSync(lonely, readFileSync(tgzPath));
    const run = cordum(['pack', 'publish', lonely, '--registry', 'http://127.0.0.1:9']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error\[signature_missing\]: signature bundle .*lonely\.tgz\./);
    expect(run.stderr).toContain(`cordum pack sign '${lonely}' --key <private key>`);
  });

  it('refuses a malformed signature file by its name, on one line, before any request', () => {
    const broken = join(work, 'broken.sigstore.json');
    writeFileSync(broken, '{\n  "mediaType": oops\n}\n');
    // Port 9 is never listened on: a request would fail as registry_unreachable.
    const run = cordum(['pack', 'publish', tgzPath, '--bundle', broken, '--registry',
      'http://127.0.0.1:9']);
    expect(run.status).toBe(1);
    // The message is one line: the text JSON.parse quotes keeps its line breaks, escaped.
    const [message] = run.stderr.split('\n');
    expect(message!.startsWith(`error[json_syntax]: ${broken}: invalid JSON: `)).toBe(true);
    expect(message).toMatch(/oops\\n}\\n" is not valid JSON$/);
  });

  it('refuses flags that mean nothing without the flag they belong to (exit 2)', () => {
    const pub = join(keys, 'cordum.pub');
    const publish = cordum(['pack', 'publish', tgzPath, '--key', pub, '--registry',
      'http://127.0.0.1:9']);
    expect(publish.status).toBe(2);
    expect(publish.stderr).toMatch(/^error\[usage\]: --key is used only with --to npm:URL/);
    const project = temp('install-flags');
    for (const [flag, value] of [['--key', pub], ['--from-token', 'x']] as const) {
      const install = cordum(['pack', 'install', 'hello-pack', '--project', project, flag,
        value, '--registry', 'http://127.0.0.1:9']);
      expect(install.status, flag).toBe(2);
      expect(install.stderr).toMatch(new RegExp(`^error\\[usage\\]: ${flag} is used only ` +
        'with --from npm:URL'));
    }
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
    const folderAsOut = cordum(['pack', 'build', pack, '--out', dir]);
    expect(folderAsOut.status).toBe(1);
    expect(folderAsOut.stderr)
      .toMatch(/^error\[file_unwritable\]: a folder is where a file was expected \(.*\)/);

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
