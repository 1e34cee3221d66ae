/**
 * The real `cordum` CLI, spawned: pack build, sign and verify (and the
 * publish checks made before any request), each with its output, exit code
 * and `--json` form.
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
    const signer = keyIdOf(readFileSync(join(keys, 'cordum.pub'), 'utf8'));
    const given = keyIdOf(readFileSync(join(otherKeys, 'cordum.pub'), 'utf8'));
    expect(run.stderr).toBe(`error[signature_unknown_key]: ${tgzPath} is signed by key ${
      signer}, but --key ${join(otherKeys, 'cordum.pub')} is key ${given}: give the signer's ` +
      'public key\n');
  });

  it('says a public key was given to sign, where the private key belongs', () => {
    const pub = join(keys, 'cordum.pub');
    const run = cordum(['pack', 'sign', tgzPath, '--key', pub, '--out', join(work, 'p.json')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error[key_invalid]: ${pub}: is a public key; expected the private ` +
      'key that signs (cordum keygen\'s cordum.key, not its cordum.pub)\n');
    expect(existsSync(join(work, 'p.json'))).toBe(false);
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
    expect(run.json.error).toMatchObject({ message: `${tampered} has sha256 ${sha256Hex(bytes)}` +
      `, but ${bundlePath} signs sha256 ${sha256Hex(readFileSync(tgzPath))}: the tarball is ` +
      'not the one signed (changed or tampered with since it was signed)' });
  });

  it('refuses to publish a tarball built again after signing, naming both files, before ' +
    'any request', () => {
    const rebuilt = join(work, 'rebuilt.tgz');
    const bytes = readFileSync(tgzPath);
    bytes[100] ^= 0xff;
    writeFileSync(rebuilt, bytes);
    writeFileSync(`${rebuilt}.sigstore.json`, JSON.stringify(
      signTarball(readFileSync(tgzPath), readFileSync(join(keys, 'cordum.key'), 'utf8'))));
    // Nothing listens on port 1: a request would fail as registry_unreachable.
    const run = cordum(['pack', 'publish', rebuilt, '--registry', 'http://127.0.0.1:1']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error[digest_mismatch]: ${rebuilt} has sha256 ${sha256Hex(bytes)}` +
      `, but ${rebuilt}.sigstore.json signs sha256 ${sha256Hex(readFileSync(tgzPath))}: the ` +
      'tarball is not the one signed (built again since?); if it is yours, sign it again: ' +
      `cordum pack sign ${rebuilt} --key <private key>\n`);
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
