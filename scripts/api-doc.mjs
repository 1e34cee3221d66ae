// Writes the generated route reference of docs/registry-api.md from the
// OpenAPI document built in registry/openapi/ (`npm run docs:api`). The TS
// renderer is bundled with esbuild, as scripts/build.mjs does for the CLI,
// into a temporary file that is imported and removed. `--check` writes
// nothing and exits 1 when the file is out of date.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const DOC = 'docs/registry-api.md';

async function loadRenderer() {
  const out = await build({
    entryPoints: ['registry/openapi/markdown.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const dir = mkdtempSync(join(tmpdir(), 'cordum-api-doc-'));
  try {
    const file = join(dir, 'markdown.mjs');
    writeFileSync(file, out.outputFiles[0].text);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { renderApiDoc } = await loadRenderer();
const before = readFileSync(DOC, 'utf8');
const after = renderApiDoc(before);
if (process.argv.includes('--check')) {
  if (after !== before) {
    process.stderr.write(`${DOC} is out of date: run \`npm run docs:api\`\n`);
    process.exit(1);
  }
  process.stdout.write(`${DOC} is up to date\n`);
} else {
  if (after !== before) writeFileSync(DOC, after);
  process.stdout.write(`${DOC} ${after === before ? 'unchanged' : 'updated'}\n`);
}
