/**
 * The real hello-pack under another id and version, with `requires_packs`
 * or extra files when asked, built and signed: packs of any name for
 * resolution, dist-tag and npm tests.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildBundle } from '../../../packs/bundle/build.js';
import type { KeyPair } from '../../../packs/signing/keys.js';
import { signTarball } from '../../../packs/signing/sign.js';
import { copyPack } from './packs.js';

export interface RenamedPack {
  id: string;
  version: string;
  tgz: Buffer;
  bundle: object;
}

export interface RenameOptions {
  requires?: string[];
  /** Extra files, by path relative to pack.yaml. */
  files?: Record<string, string | Buffer>;
}


export async function renamedPack(id: string, version: string, key: KeyPair,
  options: RenameOptions = {}): Promise<RenamedPack> {
  const dir = copyPack('hello-pack');
  try {
    // The id is in topics, pools, schema and workflow ids: rename it in every file.
    for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const path = join(file.parentPath, file.name);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('hello-pack', id));
    }
    const manifest = join(dir, 'pack.yaml');
    let yaml = readFileSync(manifest, 'utf8').replace(/^(\s+version:\s*).*$/m, `$1${version}`);
    if (options.requires) {
      yaml = `${yaml.trimEnd()}\nrequires_packs:\n${options.requires.map((r) =>
        `  - "${r}"`).join('\n')}\n`;
    }
    writeFileSync(manifest, yaml);
    for (const [name, body] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), body);
    }
    const built = await buildBundle(dir);
    return { id, version, tgz: built.tgz, bundle: signTarball(built.tgz, key.privatePem) };
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
}
