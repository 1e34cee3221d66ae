/**
 * The Cordum provider as Terraform's registry protocol hands it out: one zip
 * per platform holding the `/bin/sh` launcher `terraform-provider-cordum_v<version>`
 * and the bundle in `lib/` (the same layout `cordum provider install` writes,
 * the same launcher), so every platform gets the same bytes. Zips are written with fflate, with a
 * fixed time stamp, so the bytes (and SHA256SUMS) do not change between runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { PROVIDER_VERSION } from '../../provider/config.js';
import { LAUNCHER } from '../../provider/install.js';
import { RegistryError } from '../errors.js';

export const TF_NAMESPACE = 'cordum';
export const TF_TYPE = 'cordum';
/** Platforms with `/bin/sh` and node; Windows cannot run the launcher. */
export const TF_PLATFORMS = [
  { os: 'linux', arch: 'amd64' }, { os: 'linux', arch: 'arm64' },
  { os: 'darwin', arch: 'amd64' }, { os: 'darwin', arch: 'arm64' },
] as const;

export interface ProviderPackage {
  version: string;
  zip: Uint8Array;
  sha256: string;
}
// 1 January 2025: zip time stamps are local-time fields; a fixed one keeps the bytes stable.
const MTIME = new Date(Date.UTC(2025, 0, 1));
const EXECUTABLE = { os: 3, attrs: (0o100755 << 16) >>> 0, mtime: MTIME };
const REGULAR = { os: 3, attrs: (0o100644 << 16) >>> 0, mtime: MTIME };

export function zipName(version: string, os: string, arch: string): string {
  return `terraform-provider-${TF_TYPE}_${version}_${os}_${arch}.zip`;
}

/** dist/provider.cjs: `CORDUM_PROVIDER_JS`, beside this bundle, or the checkout's dist/. */
export function findProviderJs(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [env.CORDUM_PROVIDER_JS, join(here, 'provider.cjs'),
    join(here, '..', '..', 'dist', 'provider.cjs')];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

/** The bundle and every chunk it imports (esbuild writes `./name.js` imports). */
function bundleFiles(providerJs: string): Map<string, Uint8Array> {
  const from = dirname(providerJs);
  const files = new Map<string, Uint8Array>();
  const pending = [providerJs.slice(from.length + 1)];
  for (let i = 0; i < 10_000 && pending.length > 0; i += 1) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    const bytes = readFileSync(join(from, file));
    files.set(file, bytes);
    for (const m of bytes.toString('utf8').matchAll(/["']\.\/([\w.-]+\.js)["']/g)) {
      const chunk = m[1] as string;
      if (!files.has(chunk) && existsSync(join(from, chunk))) pending.push(chunk);
    }
  }
  return files;
}

export function buildProviderZip(providerJs: string, version = PROVIDER_VERSION): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  // Flat names with slashes: files only, no directory entries (unzip makes the folders).
  const tree: Zippable = {
    [`terraform-provider-${TF_TYPE}_v${version}`]: [text(LAUNCHER), EXECUTABLE],
    'lib/package.json': [text('{ "type": "module" }\n'), REGULAR],
  };
  for (const [name, bytes] of bundleFiles(providerJs)) tree[`lib/${name}`] = [bytes, REGULAR];
  return zipSync(tree, { level: 9 });
}

let cached: { path: string; pkg: ProviderPackage } | undefined;

/** The zip of the provider this registry serves, built once per process. */
export function providerPackage(): ProviderPackage {
  const path = findProviderJs();
  if (path === undefined) {
    throw new RegistryError('not_found',
      'this registry has no provider bundle (dist/provider.cjs; run `npm run build`)');
  }
  if (cached?.path !== path) {
    const zip = buildProviderZip(path);
    const sha256 = createHash('sha256').update(zip).digest('hex');
    cached = { path, pkg: { version: PROVIDER_VERSION, zip, sha256 } };
  }
  return cached.pkg;
}

/** `SHA256SUMS`: one line per platform's zip, as `sha256sum` writes them. */
export function shasums(pkg: ProviderPackage): string {
  return TF_PLATFORMS.map((p) => `${pkg.sha256}  ${zipName(pkg.version, p.os, p.arch)}\n`)
    .join('');
}
