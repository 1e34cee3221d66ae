/**
 * docs/troubleshooting.md lists every error code of the three closed sets
 * (packs, registry, engine), each in its own section, and the codes the CLI
 * prints of its own, so a new code cannot ship without its entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY_CODES } from '../../registry/errors.js';
import { ROOT } from '../helpers/cli.js';

/** The string members of `export type <name> = | 'a' | 'b' ...;` in a source file. */
function unionMembers(file: string, name: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.indexOf(`export type ${name}`);
  const body = text.slice(start, text.indexOf(';', start));
  return [...body.matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1]!);
}

/** Codes with a table row in the section whose heading mentions `source`. */
function documented(source: string): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.split('\n')[0]!.includes(source)) ?? '';
  return new Set([...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]!));
}

describe('docs/troubleshooting.md', () => {
  const sets: [string, string[]][] = [
    ['packs/errors.ts', unionMembers('packs/errors.ts', 'PackErrorCode')],
    ['engine/errors.ts', unionMembers('engine/errors.ts', 'EngineErrorCode')],
    ['engine/kernel/errors.ts', unionMembers('engine/kernel/errors.ts', 'KernelErrorCode')],
    // `provider daemon` prints some; the rest a launcher is refused with, in the daemon's log.
    ['cordum provider daemon', unionMembers('provider/daemon/errors.ts', 'DaemonErrorCode')],
  ];

  it.each(sets)('lists every code of %s', (file, codes) => {
    expect(codes.length).toBeGreaterThan(5);
    const missing = codes.filter((c) => !documented(file).has(c));
    expect(missing).toEqual([]);
  });

  it('lists every code the command line prints of its own', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
    const rows = new Set([...doc.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]!));
    const output = readFileSync(join(ROOT, 'cli', 'output.ts'), 'utf8');
    const cli = [...output.matchAll(/code: '([a-z0-9_]+)'/g)].map((m) => m[1]!);
    expect(cli).toEqual(expect.arrayContaining(['file_unwritable', 'file_exists']));
    // Printed by `provider daemon` and by `cordum policy` for an engine answer with no code.
    const others = ['daemon_running', 'daemon_not_running', 'engine_error'];
    expect([...cli, ...others].filter((c) => !rows.has(c))).toEqual([]);
  });

  it('lists every code `registry fsck` finds of its own', () => {
    const findings = ['registry/commands/fsck.ts', 'registry/commands/fsck-log.ts',
      'registry/commands/fsck-reader.ts'].flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/code: '([a-z0-9_]+)'/g)]
        .map((m) => m[1]!));
    expect(findings).toEqual(expect.arrayContaining(['log_gap', 'blob_orphan',
      'version_refused']));
    const doc = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
    const rows = new Set([...doc.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]!));
    expect(findings.filter((c) => !rows.has(c))).toEqual([]);
  });

  it('names `cordum engine runs` with its subcommand', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
    const bare = [...doc.matchAll(/cordum engine runs(?! (list|show)\b)[^`]*`/g)].map((m) => m[0]);
    expect(bare).toEqual([]);
  });

  it('lists every registry code, or the pack-format code it shares', () => {
    const own = documented('registry/errors.ts');
    const packs = documented('packs/errors.ts');
    const missing = Object.keys(REGISTRY_CODES).filter((c) => !own.has(c) && !packs.has(c));
    expect(missing).toEqual([]);
  });
});
