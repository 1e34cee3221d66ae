/**
 * What the provider's end-to-end suites share: a registry started from the
 * real CLI on a loopback port (PGlite template copy), signed pack tarballs
 * built from the real fixtures, the provider installed with `cordum
 * provider install`, and a runner for the real terraform binary.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pgliteBackend, type Backend } from '../helpers/databases.js';
import { REAL_PACKS } from '../helpers/real_packs.js';
import { buildBundle } from '../../packs/bundle/build.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin', 'cordum.js');
export const FIXTURES = REAL_PACKS;

export interface RunningRegistry {
  url: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `cordum registry serve --port 0` and waits for its listening line:
 * PGlite (a template copy) by default, PostgreSQL for the postgres back end.
 */
export async function startRegistry(backend: Backend = pgliteBackend): Promise<RunningRegistry> {
  const { dataDir, url: databaseUrl } = await backend.fresh();
  const token = `boot_${randomBytes(12).toString('hex')}`;
  const child = spawn(
    process.execPath,
    [CLI, 'registry', 'serve', '--port', '0', '--data', dataDir],
    {
      env: { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token, DATABASE_URL: databaseUrl ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`registry did not start: ${stderr}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`registry exited ${code}: ${stderr}`)));
  });
  return {
    url,
    token,
    dataDir,
    process: child,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export interface SignedPack {
  id: string;
  version: string;
  tarball: string;
  bundle: string;
  sha256: string;
}

/** Builds a pack folder as it is and signs it, into `outDir` (`<id>-<version>.tgz`). */
export async function signedPackDir(dir: string, key: KeyPair, outDir: string) {
  const built = await buildBundle(dir);
  const { id, version } = built.pack.manifest.metadata;
  const tarball = join(outDir, `${id}-${version}.tgz`);
  writeFileSync(tarball, built.tgz);
  writeFileSync(`${tarball}.sigstore.json`, JSON.stringify(signTarball(built.tgz, key.privatePem)));
  return { id, version, tarball };
}

/** Builds a fixture pack at `version` and signs it, into `outDir`. */
export async function signedPack(
  fixture: string,
  version: string,
  key: KeyPair,
  outDir: string,
  edit: (manifest: string) => string = (m) => m,
): Promise<SignedPack> {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-pack-'));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  const manifest = join(dir, 'pack.yaml');
  writeFileSync(
    manifest,
    edit(readFileSync(manifest, 'utf8').replace(/^(\s+version:\s*)\S+/m, `$1${version}`)),
  );
  const built = await buildBundle(dir);
  const tarball = join(outDir, `${built.pack.manifest.metadata.id}-${version}.tgz`);
  writeFileSync(tarball, built.tgz);
  writeFileSync(`${tarball}.sigstore.json`, JSON.stringify(signTarball(built.tgz, key.privatePem)));
  const { sha256Hex } = await import('../../packs/digest.js');
  return {
    id: built.pack.manifest.metadata.id,
    version,
    tarball,
    bundle: `${tarball}.sigstore.json`,
    sha256: sha256Hex(built.tgz),
  };
}

export function newKey(): KeyPair {
  return generateKeyPair();
}

// A kept-alive socket the server closed meanwhile fails once; the request never reached it.
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

/** A small client for checking the registry from the test's side. */
export function registryApi(registry: { url: string; token: string }) {
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${registry.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetchOnce(`${registry.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    call,
    async publish(pack: SignedPack) {
      const form = new FormData();
      form.set('tarball', new Blob([readFileSync(pack.tarball)]), 'p.tgz');
      form.set('bundle', new Blob([readFileSync(pack.bundle)]), 'p.tgz.sigstore.json');
      const res = await fetchOnce(`${registry.url}/v1/packs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${registry.token}` },
        body: form,
      });
      return res.status;
    },
  };
}

export interface TfResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function terraformEnv(dir: string, registry: { url: string; token: string }) {
  const cliConfig = join(dir, 'cli.tfrc');
  writeFileSync(cliConfig, '# empty: the provider comes from terraform.d/plugins\n');
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    CORDUM_REGISTRY: registry.url,
    CORDUM_TOKEN: registry.token,
  };
}

/** Runs terraform in `dir`; never throws on a non-zero exit. */
export function terraform(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): TfResult {
  const r = spawnSync('terraform', [...args], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Like `terraform`, without blocking: for suites that serve HTTP in this process. */
export function terraformAsync(dir: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  return new Promise<TfResult>((done) => {
    const child = spawn('terraform', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `cordum provider install --dir DIR --json`. */
export function installProvider(dir: string): { source: string; version: string; path: string } {
  const r = spawnSync(process.execPath, [CLI, 'provider', 'install', '--dir', dir, '--json'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`provider install failed: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as { source: string; version: string; path: string };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fresh folder with the provider installed and `main.tf` (TF_HEAD and
 * `config`), initialised: `tf` runs a command in it (flags before `args`),
 * `write` replaces the config, `state` runs `terraform state`.
 */
export async function tfWorkspace(registry: { url: string; token: string }, prefix: string,
  config = '') {
  const dir = tempDir(prefix);
  installProvider(dir);
  const write = (body: string) => writeFileSync(join(dir, 'main.tf'), TF_HEAD + body);
  write(config);
  const env = terraformEnv(dir, registry);
  const tf = (command: string, ...args: string[]) =>
    terraformAsync(dir, env, command, '-input=false', '-no-color', ...args);
  const state = (...args: string[]) => terraformAsync(dir, env, 'state', ...args);
  const init = await tf('init');
  if (init.code !== 0) throw new Error(`terraform init failed: ${init.stderr}`);
  return { dir, env, tf, write, state };
}

export interface RunningDaemon {
  file: string;
  port: number;
  pid: number;
  process: ChildProcess;
  /** The daemon's own log (stderr) so far. */
  log(): string;
  /** Resolves with the exit code once the daemon has exited (SIGTERM first if running). */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * `cordum provider daemon --json --log-level debug` with its daemon file at
 * `file`, waiting for the line that says it listens.
 */
export async function startProviderDaemon(
  file: string,
  args: string[] = [],
  cwd: string = tempDir('cordum-daemon-cwd-'),
): Promise<RunningDaemon> {
  const child = spawn(
    process.execPath,
    [CLI, 'provider', 'daemon', '--json', '--log-level', 'debug', ...args],
    { cwd, env: { ...process.env, CORDUM_PROVIDER_DAEMON_FILE: file }, stdio: 'pipe' },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = await new Promise<{ port: number; pid: number }>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`daemon did not start: ${stderr}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      try {
        done(JSON.parse(out) as { port: number; pid: number });
        clearTimeout(timer);
      } catch {
        // Not the whole document yet.
      }
    });
    void exited.then((code) => fail(new Error(`daemon exited ${code}: ${stderr}${out}`)));
  });
  return {
    file,
    port: ready.port,
    pid: ready.pid,
    process: child,
    log: () => stderr,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The `terraform` block a test configuration starts with: our provider, as installed. */
export const TF_HEAD = `
terraform {
  required_providers {
    cordum = { source = "cordum.local/cordum/cordum", version = "0.1.0" }
  }
}
`;

/** A registry on PGlite holding hello-pack 1.0.0, signed by a key it trusts. */
export async function registryWithHelloPack(): Promise<RunningRegistry> {
  const registry = await startRegistry();
  const api = registryApi(registry);
  const key = newKey();
  await api.call('POST', '/v1/keys', { public_key: key.publicPem });
  const status = await api.publish(await signedPack('hello-pack', '1.0.0', key,
    tempDir('cordum-hello-')));
  if (status !== 201) throw new Error(`publishing hello-pack answered ${status}`);
  return registry;
}
