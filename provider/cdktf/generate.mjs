// Generates the CDKTF TypeScript bindings of the Cordum provider from the
// provider's own schema, as `terraform providers schema -json` prints it.
//   node provider/cdktf/generate.mjs [outdir]   (default: examples/cdktf/.gen)
// Needs `npm run build` (the provider bundle) and terraform on the PATH.
// A test regenerates the bindings and fails when they differ from the repo.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SOURCE = 'cordum.local/cordum/cordum';
export const VERSION = '0.1.0';

function run(command, args, options) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** The provider schema JSON, from a throw-away folder with the provider installed. */
export function providerSchema() {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-cdktf-schema-'));
  try {
    run(process.execPath, [join(ROOT, 'bin', 'cordum.js'), 'provider', 'install', '--dir', dir]);
    writeFileSync(
      join(dir, 'main.tf'),
      `terraform {\n  required_providers {\n    cordum = {\n      source  = "${SOURCE}"\n` +
        `      version = "${VERSION}"\n    }\n  }\n}\n`,
    );
    writeFileSync(join(dir, 'cli.tfrc'), '');
    const env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
      CHECKPOINT_DISABLE: '1',
    };
    run('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env });
    return JSON.parse(run('terraform', ['providers', 'schema', '-json'], { cwd: dir, env }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the bindings for `schema` into `outdir`. */
export async function generateBindings(schema, outdir) {
  // @cdktf/commons runs `terraform version` and calls home on load: keep it local and quiet.
  process.env.CHECKPOINT_DISABLE = '1';
  process.env.CDKTF_HOME ??= mkdtempSync(join(tmpdir(), 'cordum-cdktf-home-'));
  const require = createRequire(import.meta.url);
  const { CodeMaker } = require('codemaker');
  const {
    TerraformProviderGenerator,
  } = require('@cdktf/provider-generator/lib/get/generator/provider-generator.js');
  const {
    ConstructsMakerProviderTarget,
    TerraformProviderConstraint,
    Language,
  } = require('@cdktf/commons');

  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  const constraint = new TerraformProviderConstraint({
    name: 'cordum',
    source: SOURCE,
    version: VERSION,
  });
  generator.generate(new ConstructsMakerProviderTarget(constraint, Language.TYPESCRIPT));
  rmSync(outdir, { recursive: true, force: true });
  await generator.save(outdir);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, 'examples', 'cdktf', '.gen'));
  await generateBindings(providerSchema(), outdir);
  process.stderr.write(`wrote CDKTF bindings to ${outdir}\n`);
}
