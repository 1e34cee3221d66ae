/**
 * Where the tests read the real Cordum packs written elsewhere (test input
 * only, never copied into the product): `../shared/fixtures/cordum-packs`
 * beside the project's root, or the folder CORDUM_PACK_FIXTURES names.
 * test/setup/global.ts stops the run at once when it is missing.
 */
import { resolve } from 'node:path';

export const REAL_PACKS = resolve(process.env.CORDUM_PACK_FIXTURES ||
  resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'cordum-packs'));
