/**
 * Versions a registry stored before its tarball reader and pack loader got
 * stricter: a tarball they now refuse, signed, and stored through
 * `commitPublish` as a publish of then did, without `checkPublish` (the
 * API refuses such a tarball now).
 */
import { join } from 'node:path';
import { readPackDir } from '../../packs/bundle/source.js';
import { sha256Hex } from '../../packs/digest.js';
import { loadPack } from '../../packs/load.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { bundleKeyId } from '../../packs/signing/verify.js';
import { commitPublish } from '../../registry/publish/commit.js';
import { SHARED_PACKS } from '../helpers/cli.js';
import { tgzOf, type TarEntry } from '../packs/helpers/tar.js';
import type { TestRegistry } from './helpers.js';

/** How a test breaks a pack's files, and tar entries it adds (written as given). */
export interface OldBreakage {
  files?: (files: Map<string, Buffer>) => void;
  entries?: TarEntry[];
}

/**
 * Stores fixture pack `name` as `version`, broken by `breakage`, for the owner
 * `default` (the admin's publisher), signed with `key`. The version row keeps
 * the manifest of the pack before the breakage, as the old reader saw it.
 */
export async function storeOldVersion(reg: TestRegistry, key: KeyPair, name: string,
  version: string, breakage: OldBreakage): Promise<{ id: string; version: string;
    sha256: string }> {
  const files = readPackDir(join(SHARED_PACKS, name)).files;
  editFile('pack.yaml', /^(\s+version:\s*).*$/m, `$1${version}`)(files);
  const { manifest } = loadPack({ files });
  breakage.files?.(files);
  const entries: TarEntry[] = [...files].map(([path, body]) => ({ name: path, body }));
  const tarball = tgzOf([...entries, ...(breakage.entries ?? [])]);
  const bundle = signTarball(tarball, key.privatePem);
  const { id } = manifest.metadata;
  const sha256 = sha256Hex(tarball);

  await commitPublish({ ...reg.services, baseUrl: reg.url }, {
    packId: id, version, sha256, keyId: bundleKeyId(bundle), owner: 'default', manifest,
    bundle, tarball,
  });
  return { id, version, sha256 };
}

/** Replaces `old` with `now` in file `path` of a pack. */
export function editFile(path: string, old: string | RegExp, now: string) {
  return (files: Map<string, Buffer>) => {
    const text = files.get(path)!.toString('utf8');
    if (!text.match(old)) throw new Error(`test helper: ${path} has no ${String(old)}`);
    files.set(path, Buffer.from(text.replace(old, now), 'utf8'));
  };
}
