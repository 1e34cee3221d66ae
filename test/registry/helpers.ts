/**
 * In-process registries for the registry suites: the real app, storage and
 * blob store on a fresh database of one backend, listening on 127.0.0.1,
 * plus signed tarballs built from the real fixture packs.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../helpers/databases.js';
import { SHARED_PACKS } from '../helpers/cli.js';
import { buildBundle } from '../../packs/bundle/build.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { FsBlobStore } from '../../registry/blobs/fs.js';
import { fixedClock } from '../../registry/clock.js';
import type { UploadLimits } from '../../registry/deps.js';
import { jsonLogger } from '../../registry/log.js';
import { startRegistryServer } from '../../registry/server.js';
import { openRegistryServices, type RegistryServices } from '../../registry/wiring.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestRegistry {
  url: string;
  dataDir: string;
  /** The PostgreSQL database, on that backend. */
  databaseUrl?: string;
  services: RegistryServices;
  blobs: FsBlobStore;
  admin: RegistryClient;
  clock: ReturnType<typeof fixedClock>;
  logs: string[];
  client(token?: string): RegistryClient;
  /** Stops serving and closes storage, keeping the data (for a CLI command on it). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestRegistry(
  backend: Backend,
  options: { anonymousRead?: boolean; uploadLimits?: Partial<UploadLimits> } = {},
): Promise<TestRegistry> {
  const db = await backend.fresh();
  const clock = fixedClock(new Date('2025-01-02T03:04:05.000Z'));
  const logs: string[] = [];
  const services = await openRegistryServices({
    dataDir: db.dataDir,
    ...(db.url ? { databaseUrl: db.url } : {}),
    bootstrapToken: ADMIN_TOKEN,
    anonymousRead: options.anonymousRead ?? false,
    log: jsonLogger((line) => logs.push(line), clock),
    clock,
  });
  services.uploadLimits = { ...services.uploadLimits, ...options.uploadLimits };
  const running = await startRegistryServer(services, { port: 0, host: '127.0.0.1' });
  const client = (token?: string) =>
    new RegistryClient(token === undefined ? { url: running.url } : { url: running.url, token });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= running.close(1000));
  return {
    url: running.url,
    dataDir: db.dataDir,
    ...(db.url ? { databaseUrl: db.url } : {}),
    services,
    blobs: services.blobs as FsBlobStore,
    admin: client(ADMIN_TOKEN),
    clock,
    logs,
    client,
    stop,
    async close() {
      await stop();
      rmSync(db.dataDir, { recursive: true, force: true });
    },
  };
}

export interface SignedPack {
  id: string;
  version: string;
  tgz: Buffer;
  bundle: object;
}

/**
 * Copies fixture pack `name`, optionally with another version or a tweak
 * of `pack.yaml`, builds its tarball and signs it with `key`.
 */
export async function signedFixture(
  name: string,
  key: KeyPair,
  change: { version?: string; edit?: (packYaml: string) => string } = {},
): Promise<SignedPack> {
  const work = mkdtempSync(join(tmpdir(), 'cordum-reg-pack-'));
  const dir = join(work, name);
  cpSync(join(SHARED_PACKS, name), dir, { recursive: true });
  const manifestPath = join(dir, 'pack.yaml');
  let yaml = readFileSync(manifestPath, 'utf8');
  if (change.version) yaml = yaml.replace(/^(\s+version:\s*).*$/m, `$1${change.version}`);
  if (change.edit) yaml = change.edit(yaml);
  writeFileSync(manifestPath, yaml);
  const built = await buildBundle(dir).finally(() => rmSync(work, { recursive: true }));
  const { id, version } = built.pack.manifest.metadata;
  return { id, version, tgz: built.tgz, bundle: signTarball(built.tgz, key.privatePem) };
}

/** A key pair registered with the registry (for publisher `default` unless said). */
export async function registeredKey(reg: TestRegistry, publisher?: string): Promise<KeyPair> {
  const key = generateKeyPair();
  await reg.admin.addKey(key.publicPem, publisher);
  return key;
}

/** Rows of the versions table, to prove a refusal stored nothing. */
export async function versionRows(reg: TestRegistry): Promise<{ pack_id: string;
  version: string; sha256: string }[]> {
  const { rows } = await reg.services.db.query<{ pack_id: string; version: string;
    sha256: string }>('SELECT pack_id, version, sha256 FROM registry_versions ORDER BY 1, 2');
  return rows;
}

/** Names of every blob file in the store. */
export function blobFiles(reg: TestRegistry): string[] {
  const root = join(reg.dataDir, 'blobs', 'sha256');
  const out: string[] = [];
  for (const dir of safeList(root)) for (const f of safeList(join(root, dir))) out.push(f);
  return out.sort();
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Raw fetch with the admin token, for status and header checks. */
export function raw(reg: TestRegistry, path: string, init: RequestInit = {},
  token: string | null = ADMIN_TOKEN): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${reg.url}${path}`, { ...init, headers });
}

/**
 * An admin's JSON request (`body` sent as JSON when given); an answer that is
 * not 2xx fails with its status and text. Answers the JSON body, if any.
 */
export async function adminJson<T = unknown>(reg: TestRegistry, method: string, path: string,
  body?: unknown): Promise<T | undefined> {
  const res = await fetch(`${reg.url}${path}`, { method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : (await res.json()) as T;
}

/** A multipart publish body with the given parts. */
export function publishForm(parts: { tarball?: Buffer; bundle?: string | object;
  extra?: [string, string][] }): FormData {
  const form = new FormData();
  if (parts.tarball) form.append('tarball', new Blob([parts.tarball]), 'p.tgz');
  if (parts.bundle !== undefined) {
    const text = typeof parts.bundle === 'string' ? parts.bundle : JSON.stringify(parts.bundle);
    form.append('bundle', new Blob([text]), 'p.tgz.sigstore.json');
  }
  for (const [k, v] of parts.extra ?? []) form.append(k, v);
  return form;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  issues?: { file: string; path: string; message: string }[];
}

/** The problem+json body of an error answer. */
export async function readProblem(res: Response): Promise<ProblemBody> {
  return (await res.json()) as ProblemBody;
}
