/**
 * Marketplace suites: a real registry (test/registry/helpers.ts) with packs
 * built from the real fixture packs, changed where a test needs it (another
 * version, a README, an image, an extra rule), signed and published.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SHARED_PACKS } from '../helpers/cli.js';
import { buildBundle } from '../../packs/bundle/build.js';
import { readPackDir } from '../../packs/bundle/source.js';
import { loadPack, type LoadedPack } from '../../packs/load.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { ADMIN_TOKEN, raw, type TestRegistry } from '../registry/helpers.js';

export interface PackChange {
  version?: string;
  /** Rewrites of pack.yaml text. */
  edit?: (packYaml: string) => string;
  /** Files to add or replace, by path in the pack. */
  files?: Record<string, string | Buffer>;
  /** Publisher to claim a new id for (admin publishes). */
  publisher?: string;
}

/** A copy of fixture pack `name` with `change` applied, in a fresh folder. */
export function fixtureDir(name: string, change: PackChange = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cordum-mp-pack-')), name);
  cpSync(join(SHARED_PACKS, name), dir, { recursive: true });
  const manifest = join(dir, 'pack.yaml');
  let yaml = readFileSync(manifest, 'utf8');
  if (change.version) yaml = yaml.replace(/^(\s+version:\s*).*$/m, `$1${change.version}`);
  if (change.edit) yaml = change.edit(yaml);
  writeFileSync(manifest, yaml);
  for (const [path, body] of Object.entries(change.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  return dir;
}

/** Fixture pack `name` with `change`, loaded as the registry would load it. */
export function loadFixture(name: string, change: PackChange = {}): LoadedPack {
  return loadPack(readPackDir(fixtureDir(name, change)));
}

/** Builds fixture pack `name` with `change`, signs it with `key` and publishes it. */
export async function publishFixture(reg: TestRegistry, key: KeyPair, name: string,
  change: PackChange = {}): Promise<{ id: string; version: string; sha256: string }> {
  const built = await buildBundle(fixtureDir(name, change));
  const bundle = signTarball(built.tgz, key.privatePem);
  const published = await reg.admin.publish(built.tgz, bundle,
    change.publisher ? { publisher: change.publisher } : {});
  return { id: published.id, version: published.version, sha256: published.sha256 };
}

/** A GET of a marketplace page with the admin token (`''`: none), body as text. */
export async function page(reg: TestRegistry, path: string,
  token = ADMIN_TOKEN, headers: Record<string, string> = {}) {
  const res = await raw(reg, path, { headers, redirect: 'manual' }, token);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A JSON request with the admin token (`''`: none). */
export async function api(reg: TestRegistry, method: string, path: string, body?: unknown,
  token = ADMIN_TOKEN) {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await raw(reg, path, init, token);
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The text between the tags of the first element with `id` (tags stripped). */
export function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const open = html.lastIndexOf('<', start);
  const tag = /^<([a-z0-9]+)/.exec(html.slice(open))![1]!;
  const end = html.indexOf(`</${tag}>`, start);
  return html.slice(html.indexOf('>', start) + 1, end).replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim();
}

/** Adds `metadata.<field>: value` to a pack.yaml (after its title line). */
export function withMetadata(field: string, value: string) {
  return (yaml: string) => yaml.replace(/^(  title: .*)$/m, `$1\n  ${field}: ${value}`);
}
