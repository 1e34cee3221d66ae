/**
 * `cordum pack migrate DIR`: every policy fragment the pack's manifest
 * names, converted from the legacy form, with a diff; written only when
 * asked, and only when the converted fragment decides exactly as before.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packRoot } from '../bundle/source.js';
import { parseYaml } from '../documents.js';
import { PackError } from '../errors.js';
import type { PackManifest } from '../manifest.js';
import { unifiedDiff } from './diff.js';
import { migrateFragment } from './legacy.js';

export interface MigrateResult {
  dir: string;
  written: boolean;
  fragments: { file: string; changed: boolean; notes: string[]; snapshot: string }[];
  diff: string[];
}

function fragmentPaths(root: string): string[] {
  const manifest = parseYaml(readFileSync(join(root, 'pack.yaml'), 'utf8'), 'pack.yaml') as
    Partial<PackManifest> | null;
  return (manifest?.overlays?.policy ?? []).map((p) => p.path);
}

export function migratePack(dir: string, write: boolean): MigrateResult {
  const root = packRoot(dir);
  const migrations = fragmentPaths(root).map((file) => {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch (err) {
      throw new PackError('file_missing', `${file}: named in pack.yaml, cannot be read`,
        { cause: err });
    }
    const m = migrateFragment(file, text);
    if (m.hashAfter !== m.hashBefore) {
      throw new PackError('policy_invalid', `${file}: the converted rules would decide ` +
        `differently (${m.hashBefore} → ${m.hashAfter}); nothing written`);
    }
    return m;
  });

  const changed = migrations.filter((m) => m.changed);
  if (write) {
    for (const m of changed) {
      const path = join(root, m.file);
      writeFileSync(`${path}.tmp`, m.after);
      renameSync(`${path}.tmp`, path);
    }
  }
  return {
    dir: root,
    written: write && changed.length > 0,
    fragments: migrations.map((m) => ({ file: m.file, changed: m.changed, notes: m.notes,
      snapshot: m.hashAfter })),
    diff: changed.flatMap((m) => unifiedDiff(m.file, m.before, m.after)),
  };
}
