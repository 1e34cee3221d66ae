/**
 * Whether a folder's `.terraform.lock.hcl` still accepts the provider just
 * installed. Every build is version 0.1.0, so a rebuilt provider is another
 * package of a version the lock file already holds: `terraform init` (even
 * with `-upgrade`) then refuses it as not matching the recorded checksums,
 * and every command fails until the lock file is updated.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Terraform's `h1:` hash of an unpacked provider package (Go's dirhash
 * Hash1): one line `<hex sha256>  <path>` a file, sorted by path, hashed.
 */
export function packageHash(folder: string): string {
  const files: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel);
      else files.push(rel);
    }
  };
  walk(folder, '');
  const summary = createHash('sha256');
  for (const rel of files.sort()) {
    const digest = createHash('sha256').update(readFileSync(join(folder, rel))).digest('hex');
    summary.update(`${digest}  ${rel}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

/**
 * The lock file of `projectDir` when its entry for `source` at `version`
 * lists hashes but not `hash` (another build is locked); null otherwise.
 */
export function staleLockFile(
  projectDir: string,
  source: string,
  version: string,
  hash: string,
): string | null {
  const file = join(projectDir, '.terraform.lock.hcl');
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`provider "${source}" {`);
  if (start < 0) return null;
  // A provider block holds no braces of its own: it ends at the first `}` on a line alone.
  const end = text.indexOf('\n}', start);
  const block = text.slice(start, end < 0 ? undefined : end);
  const locked = /^\s*version\s*=\s*"([^"]*)"/m.exec(block)?.[1];
  if (locked !== version || !/"h1:/.test(block)) return null;
  return block.includes(`"${hash}"`) ? null : file;
}
