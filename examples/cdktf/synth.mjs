// `npm run synth:cdktf`: compiles the app (CommonJS, as the generated bindings
// expect) and synthesizes it into examples/cdktf/cdktf.out/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

function run(args, env = process.env) {
  const r = spawnSync(process.execPath, args, { cwd: here, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run([tsc, '-p', join(here, 'tsconfig.json')]);
// cdktf's helpers call a checkpoint service and run terraform on load: keep them local.
run([join(here, 'dist', 'main.js')], {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  CDKTF_HOME: process.env.CDKTF_HOME ?? mkdtempSync(join(tmpdir(), 'cordum-cdktf-home-')),
});
process.stderr.write(`synthesized into ${process.env.CDKTF_OUTDIR ?? join(here, 'cdktf.out')}\n`);
