/**
 * `cordum pack install`: resolve, download, check digest and signature, and
 * only then write anything. Every pack is fetched and verified first; the
 * files and the lock are written last, so a failure changes nothing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { satisfies, validRange } from 'semver';
import { readBundle, type PackFiles } from './bundle/read.js';
import { stagePackFiles, swapIn } from './bundle/extract.js';
import { sha256Hex } from './digest.js';
import { parseJson } from './documents.js';
import { PackError } from './errors.js';
import { loadPack } from './load.js';
import {
  holdLock, layout, readLock, stageLock, type LockEntry, type Lockfile,
} from './lock.js';
import { closureSource, hasClosureReads, splitSpec } from './closure/source.js';
import { resolveClosure } from './closure/resolve.js';
import { keyIdOf } from './signing/keys.js';
import { verifyTarball } from './signing/verify.js';
import { crossPackPolicyWarnings } from './policy_reach.js';
import { makeFolders } from './folders.js';

/** A version as the registry describes it. */
export interface PublishedVersion {
  id: string;
  version: string;
  sha256: string;
  key_id: string;
  tarball_url: string;
  bundle_url: string;
  /** Set by the registry on a version's own view (registry/routes/versions.ts). */
  yanked?: boolean;
  yank_reason?: string | null;
  /** The publisher's message when the version is deprecated (resolve and version views). */
  deprecated?: string;
  published_at?: string;
  /** When the signer's key was revoked, if it was (registry/tenancy/key_trust.ts). */
  key_revoked_at?: string | null;
}

/** What install needs of a registry (RegistryClient provides it). */
export interface InstallRegistry {
  resolve(id: string, range: string): Promise<PublishedVersion>;
  getVersion(id: string, version: string): Promise<PublishedVersion>;
  fetchBytes(url: string): Promise<Buffer>;
  getKey(keyId: string): Promise<{ key_id: string; public_key: string }>;
}

interface Fetched {
  entry: LockEntry;
  id: string;
  tgz: Buffer;
  bundle: string;
  keyPem: string;
  files: PackFiles;
  /** What to report of it: a revoked signer key, a deprecation. */
  warnings: string[];
}

export interface InstallResult {
  installed: { id: string; version: string; sha256: string; key_id: string; source: string }[];
  lockfile: string;
  /**
   * Yanked versions a lock pinned, versions whose signer key was revoked
   * since, and deprecated versions installed, with their messages.
   */
  warnings: string[];
}

export async function installPacks(options: {
  registry: InstallRegistry;
  project: string;
  specs: string[];
  progress?: (line: string) => void;
}): Promise<InstallResult> {
  const { registry, project, specs } = options;
  const progress = options.progress ?? (() => undefined);
  const lock: Lockfile = readLock(project) ?? { lockfileVersion: 1, packs: {} };
  const fetched: Fetched[] = [];
  const warnings: string[] = [];

  if (specs.length === 0) {
    if (Object.keys(lock.packs).length === 0) {
      throw new PackError('usage', 'nothing to install: give ID@RANGE or keep a cordum.lock here');
    }
    for (const [id, pinned] of Object.entries(lock.packs)) {
      progress(`checking ${id}@${pinned.version} against cordum.lock`);
      const published = await registry.getVersion(id, pinned.version);
      // A pinned version installs even when yanked since; the lock asked for it.
      const why = published.yanked ? `${id}@${pinned.version} is yanked` : undefined;
      if (why) warnings.push(published.yank_reason ? `${why}: ${published.yank_reason}` : why);
      if (why) progress(`warning: ${warnings.at(-1)}`);
      fetched.push(await fetchVerified(registry, published, pinned));
    }
  } else {
    for (const [published, range] of await resolveSpecs(registry, specs, progress)) {
      // A version never changes: other bytes or another signer for one the lock pins is
      // refused, not pinned over (from a registry, a mirror or a carried file alike).
      const pinned = lock.packs[published.id];
      const same = pinned?.version === published.version ? pinned : undefined;
      fetched.push(await fetchVerified(registry, published, same, range));
    }
  }

  for (const warning of fetched.flatMap((f) => f.warnings)) {
    warnings.push(warning);
    progress(`warning: ${warning}`);
  }
  const release = await holdLock(project);
  try {
    // Read again: another install in this project may have pinned packs since this one began.
    const current = readLock(project) ?? { lockfileVersion: 1, packs: {} };
    // Every pack's files are written aside first: one that cannot be changes nothing.
    const staged = stageAll(project, fetched);
    try {
      for (const f of fetched) current.packs[f.id] = f.entry;
      putInPlace(project, fetched, staged, current);
    } finally {
      for (const dir of staged) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    release();
  }
  for (const warning of await crossPackPolicyWarnings(project, fetched.map((f) => f.id))) {
    warnings.push(warning);
    progress(`warning: ${warning}`);
  }
  return {
    installed: fetched.map((f) => ({ id: f.id, ...f.entry })),
    lockfile: `${project}/cordum.lock`,
    warnings,
  };
}

/**
 * The versions the specs ask for, and, when the registry can tell, every
 * pack their `requires_packs` need (packs/closure), each with its range.
 */
async function resolveSpecs(registry: InstallRegistry, specs: string[],
  progress: (line: string) => void): Promise<[PublishedVersion, string][]> {
  const roots: [PublishedVersion, string][] = [];
  for (const spec of specs) {
    const { id, range } = splitSpec(spec);
    progress(`resolving ${id}@${range}`);
    const found = await registry.resolve(id, range);
    assertResolved(spec, id, range, found);
    // One version of a pack in a project: asked twice, it must be the same one.
    const twice = roots.find(([v]) => v.id === found.id);
    if (twice && twice[0].version !== found.version) {
      throw new PackError('closure_conflict', `${id} is asked for as ${twice[0].version} and ` +
        `as ${found.version}: a project installs one version of a pack`);
    }
    if (!twice) roots.push([found, range]);
  }
  if (!hasClosureReads(registry)) return roots;
  const closure = await resolveClosure(roots.map(([v]) => `${v.id}@${v.version}`),
    closureSource(registry));
  const out: [PublishedVersion, string][] = [];
  for (const entry of closure) {
    const root = roots.find(([v]) => v.id === entry.id);
    if (!root) progress(`resolving ${entry.id}@${entry.range} for ${entry.chain.join(' → ')}`);
    // The version's own view also says whether its signer's key was revoked since.
    const v = await registry.getVersion(entry.id, entry.version);
    assertResolved(`${entry.id}@${entry.version}`, entry.id, entry.version, v);
    out.push([v, root?.[1] ?? entry.range]);
  }
  return out;
}

/**
 * A registry's answer must be what was asked: another pack, or a version
 * outside the range (a mirror handing out an old version for `^2`), is
 * refused, not installed and pinned under that range. A dist-tag names what
 * the registry says, so only its id is checked.
 */
function assertResolved(spec: string, id: string, range: string, found: PublishedVersion) {
  const outside = validRange(range) !== null && !satisfies(found.version, range);
  if (found.id === id && !outside) return;
  throw new PackError('registry_error', `${spec}: the registry answered ${found.id}@${
    found.version}, which is not ${found.id === id ? `in the range ${range}` : `pack ${id}`}`,
  { details: { id, range, answered: { id: found.id, version: found.version } } });
}

/** Downloads one version and proves it: digest, signer key id, signature, contents. */
async function fetchVerified(registry: InstallRegistry, v: PublishedVersion,
  pinned?: LockEntry, range?: string): Promise<Fetched> {
  const label = `${v.id}@${v.version}`;
  if (pinned && (pinned.sha256 !== v.sha256 || pinned.key_id !== v.key_id)) {
    throw new PackError('lock_mismatch', `${label}: the registry now says sha256 ${v.sha256} ` +
      `signed by ${v.key_id}; cordum.lock pins sha256 ${pinned.sha256} signed by ${
        pinned.key_id}`, { details: { locked: pinned, registry: v } });
  }
  const tgz = await registry.fetchBytes(v.tarball_url);
  const actual = sha256Hex(tgz);
  const expected = pinned?.sha256 ?? v.sha256;
  if (actual !== expected) {
    throw new PackError('digest_mismatch', `${label}: downloaded tarball has sha256 ${actual}, ` +
      `expected ${expected}`, { details: { expected, actual, url: v.tarball_url } });
  }
  const bundle = (await registry.fetchBytes(v.bundle_url)).toString('utf8');
  const key = await registry.getKey(v.key_id);
  if (keyIdOf(key.public_key) !== v.key_id) {
    throw new PackError('signature_invalid', `${label}: the registry's key ${v.key_id} does not ` +
      'hash to its id');
  }
  verifyTarball(tgz, parseJson(bundle, `${label} signature bundle`),
    (id) => (id === v.key_id ? key.public_key : undefined));
  const flags = [revokedKeyFlag(v), deprecationNote(v)].filter((w) => w !== undefined);
  const files = await readBundle(tgz);
  const manifest = loadPack(files).manifest.metadata;
  if (manifest.id !== v.id || manifest.version !== v.version) {
    throw new PackError('lock_mismatch', `${label}: the tarball holds ${manifest.id}@${
      manifest.version}`);
  }
  const entry: LockEntry = { version: v.version, sha256: actual, key_id: v.key_id,
    source: v.tarball_url };
  const keptRange = range ?? pinned?.range;
  if (keptRange !== undefined) entry.range = keptRange;
  return { entry, id: v.id, tgz, bundle, keyPem: key.public_key, files, warnings: flags };
}

/** A deprecated version installs, as the registry said it would, with its message. */
function deprecationNote(v: PublishedVersion): string | undefined {
  return v.deprecated === undefined ? undefined
    : `${v.id}@${v.version} is deprecated: ${v.deprecated}`;
}

/**
 * A version signed by a key revoked since is flagged; one published at or
 * after the revocation fails (the registry refuses such publishes).
 */
function revokedKeyFlag(v: PublishedVersion): string | undefined {
  if (!v.key_revoked_at) return undefined;
  const label = `${v.id}@${v.version}`;
  if (v.published_at !== undefined && Date.parse(v.published_at) >= Date.parse(v.key_revoked_at)) {
    throw new PackError('signature_invalid', `${label}: signed by key ${v.key_id}, revoked at ${
      v.key_revoked_at}, before this version was published at ${v.published_at}`);
  }
  return `${label} is signed by key ${v.key_id}, revoked at ${v.key_revoked_at} (after it ` +
    'was published)';
}

/** Each pack's files in a staging folder, in `fetched` order; none left when one fails. */
function stageAll(project: string, fetched: Fetched[]): string[] {
  const staged: string[] = [];
  try {
    for (const f of fetched) staged.push(stagePackFiles(f.files, layout.unpacked(project, f.id)));
  } catch (err) {
    for (const dir of staged) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return staged;
}

/**
 * Every tarball, bundle and key, and the new lock beside cordum.lock, before any folder is
 * swapped: a write that fails (a full disk) must not leave a pack swapped to a version
 * cordum.lock does not pin, nor a stray tarball of a version never installed.
 */
function putInPlace(project: string, fetched: Fetched[], staged: string[], next: Lockfile) {
  const made: string[] = [];
  let lock;
  try {
    writeArtifacts(project, fetched, made);
    lock = stageLock(project, next);
  } catch (err) {
    for (const path of made) rmSync(path, { force: true });
    throw err;
  }
  try {
    for (const [i, f] of fetched.entries()) swapIn(staged[i]!, layout.unpacked(project, f.id));
  } catch (err) {
    lock.drop();
    throw err;
  }
  lock.commit();
}

/** Writes each pack's tarball and signature bundle and its signer's key under `.cordum`. */
function writeArtifacts(project: string, fetched: Fetched[], made: string[]): void {
  const write = (path: string, body: Buffer | string) => {
    if (!existsSync(path)) made.push(path);
    makeFolders(dirname(path));
    writeFileSync(path, body);
  };
  for (const f of fetched) {
    const { version, key_id } = f.entry;
    write(layout.tarball(project, f.id, version), f.tgz);
    write(layout.bundle(project, f.id, version), f.bundle);
    const keyPath = layout.key(project, key_id);
    if (!existsSync(keyPath) || readFileSync(keyPath, 'utf8') !== f.keyPem) {
      write(keyPath, f.keyPem);
    }
  }
}
