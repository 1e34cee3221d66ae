/**
 * The four real Cordum packs (test input only, never copied into the
 * product) and small tools to copy one into a temp folder and break it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real packs written elsewhere (test/helpers/real_packs.ts). */
import { REAL_PACKS } from '../../helpers/real_packs.js';

export { REAL_PACKS };

export const REAL_PACK_NAMES = ['hello-pack', 'demo-guardrails', 'slack', 'github'] as const;
export type RealPackName = (typeof REAL_PACK_NAMES)[number];

/** pack.yaml, and the policy fragment every real pack has. */
export const PACK = 'pack.yaml';
export const FRAGMENT = 'overlays/policy.fragment.yaml';
/** The workflow of hello-pack, and of demo-guardrails. */
export const ECHO = 'workflows/echo.yaml';
export const APPROVAL = 'workflows/approval.yaml';

export function realPack(name: RealPackName): string {
  return join(REAL_PACKS, name);
}

/** A fresh temp copy of a real pack; returns the folder holding pack.yaml. */
export function copyPack(name: RealPackName): string {
  const dir = join(mkdtempSync(join(tmpdir(), `cordum-${name}-`)), name);
  cpSync(realPack(name), dir, { recursive: true });
  return dir;
}

/** Replaces text in one file of a pack; fails loudly when the text is not there. */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`test setup: ${String(from)} not found in ${file}`);
  writeFileSync(path, after);
}

export function writeIn(dir: string, file: string, text: string | Buffer): void {
  writeFileSync(join(dir, file), text);
}

export function removeIn(dir: string, file: string): void {
  rmSync(join(dir, file));
}
