/**
 * Versions a registry stored before its tarball reader and pack loader got
 * stricter: a tarball they now refuse, signed, and stored through
 * `commitPublish` as a publish of then did, without `checkPublish` (the
 * API refuses such a tarball now).
 */
import { readPackDir } from '../../packs/bundle/source.js';
import { sha256Hex } from '../../packs/digest.js';
import { loadPack } from '../../packs/load.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { bundleKeyId } from '../../packs/signing/verify.js';
import { commitPublish } from '../../registry/publish/commit.js';
import { tgzOf, type TarEntry } from '../packs/helpers/tar.js';
import type { TestRegistry } from './helpers.js';

/** How a test breaks a pack's files, and tar entries it adds (written as given). */
export interface OldBreakage {
  files?: (files: Map<string, Buffer>) => void;
  entries?: TarEntry[];
}

/**
 * Stores the pack in folder `dir` (readable, as `fixtureDir` makes), broken by
 * `breakage`, as the owner `default` (the admin's publisher) signed with `key`.
 * The version row keeps the manifest read from `dir`, as the old reader saw it.
 */
export async function storeOldVersion(reg: TestRegistry, key: KeyPair, dir: string,
  breakage: OldBreakage): Promise<{ id: string; version: string; sha256: string }> {
  const files = readPackDir(dir).files;
  const { manifest } = loadPack({ files });
  breakage.files?.(files);
  const entries: TarEntry[] = [...files].map(([name, body]) => ({ name, body }));
  const tarball = tgzOf([...entries, ...(breakage.entries ?? [])]);
  const bundle = signTarball(tarball, key.privatePem);
  const { id, version } = manifest.metadata;
  const sha256 = sha256Hex(tarball);

  await commitPublish({ ...reg.services, baseUrl: reg.url }, {
    packId: id, version, sha256, keyId: bundleKeyId(bundle), owner: 'default', manifest,
    bundle, tarball,
  });
  return { id, version, sha256 };
}

/** Replaces `old` with `now` in file `path` of a pack. */
export function editFile(path: string, old: string, now: string) {
  return (files: Map<string, Buffer>) => {
    const text = files.get(path)!.toString('utf8');
    if (!text.includes(old)) throw new Error(`test helper: ${path} has no ${old}`);
    files.set(path, Buffer.from(text.replace(old, now), 'utf8'));
  };
}
