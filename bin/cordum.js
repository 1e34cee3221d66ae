#!/usr/bin/env node
// The CLI is bundled by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cordum.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('cordum: dist/cordum.js is missing; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
