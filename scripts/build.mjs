// Bundles the CLI (and the Terraform provider, when present) with esbuild so
// that start-up reads a few files instead of hundreds of modules.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { pgliteInitial } from './pglite_initial.mjs';

// Packages that load files next to themselves at run time stay external.
const external = [
  '@electric-sql/pglite',
  'pg',
  'pg-native',
  'cdktf',
  '@cdktf/*',
  'playwright-core',
];

const entryPoints = { cordum: 'cli/main.ts' };
entryPoints['bench/main'] = 'bench/main.ts';
// The engine bench forks this one for its several-processes row.
entryPoints['bench/engine_process'] = 'bench/engine_process.ts';

// Build beside dist/ and swap, so a failed build leaves the last good one in place
// and stale chunks never linger.
const next = `dist.next-${process.pid}`;
rmSync(next, { recursive: true, force: true });
process.on('exit', () => rmSync(next, { recursive: true, force: true }));
const common = {
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); give ESM output one.
  banner: {
    js:
      "import { createRequire as __cordumRequire } from 'node:module';" +
      'const require = __cordumRequire(import.meta.url);',
  },
  loader: { '.proto': 'text' },
};
await build({ ...common, entryPoints });

// The Terraform provider on its own: Terraform starts several per command and
// each one loads every chunk it imports (about a millisecond a file), so it
// shares no chunks with the CLI, and it takes packages' ES module builds
// (`module` before `main`) so that unused parts of them are left out.
// What runs before the handshake line is one CommonJS file, provider.cjs: an
// ES module entry would first start Node's ES module loader, some 5 ms of
// every start. The provider itself (handlers.ts and what it needs) is an ES
// module build, provider-handlers-<hash>.js, imported once the line is out.
// Every file name below provider.cjs carries its content's hash, so the hash
// of provider.cjs alone tells one build from another (the daemon relies on it).
if (existsSync('provider/main.ts')) {
  const providerOptions = { mainFields: ['module', 'main'] };
  const handlers = await build({
    ...common,
    ...providerOptions,
    entryPoints: { 'provider-handlers': 'provider/handlers.ts' },
    entryNames: '[name]-[hash]',
    chunkNames: 'provider-[name]-[hash]',
    metafile: true,
  });
  const handlersFile = Object.entries(handlers.metafile.outputs)
    .find(([, out]) => out.entryPoint === 'provider/handlers.ts')[0];
  await build({
    ...common,
    ...providerOptions,
    entryPoints: { provider: 'provider/main.ts' },
    format: 'cjs',
    splitting: false,
    banner: {},
    outExtension: { '.js': '.cjs' },
    plugins: [{
      name: 'provider-handlers',
      setup(b) {
        b.onResolve({ filter: /^\.\/handlers\.js$/ }, () => ({
          path: `./${basename(handlersFile)}`,
          external: true,
        }));
      },
    }],
  });
}

await pgliteInitial(next, 'dist');

rmSync('dist', { recursive: true, force: true });
renameSync(next, 'dist');
