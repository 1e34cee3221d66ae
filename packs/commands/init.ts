/** `cordum pack init NAME`: scaffold a new pack that validates, builds and tests at once. */
import type { Command } from 'commander';
import { runCommand, shellWord } from '../../cli/output.js';
import { PackError } from '../errors.js';
import { isHttpUrl } from '../http_url.js';
import { ANSWER_NAMES } from '../scaffold/answers.js';

interface InitFlags {
  id?: string;
  title?: string;
  description?: string;
  author?: string;
  license?: string;
  yes?: boolean;
  schemaBase?: string;
  json?: boolean;
}

/**
 * `--schema-base` is what editors fetch the schemas from: an http(s) URL or a file: URL.
 * Anything else would be written into every scaffolded file's schema line unnoticed.
 */
function checkedSchemaBase(given: string | undefined): string | undefined {
  if (given === undefined || isHttpUrl(given) || given.startsWith('file:')) return given;
  throw new PackError('usage', `--schema-base "${given}" is not an http(s) or file: URL: give ` +
    'where the schemas are served, such as http://127.0.0.1:8080/schemas/');
}

export function registerInitCommand(pack: Command): void {
  pack
    .command('init <name>')
    .description('Scaffold a new pack in NAME/: pack.yaml, a workflow, a policy with ' +
      'simulations, schemas and a README (asks on a terminal; --yes takes the defaults)')
    .option('--id <id>', 'pack id (default: from NAME)')
    .option('--title <title>', 'display title')
    .option('--description <text>', 'one-line description')
    .option('--author <name>', 'author')
    .option('--license <spdx>', 'license (default Apache-2.0)')
    .option('-y, --yes', 'take the default of every answer not given; never ask')
    .option('--schema-base <url>', 'where the YAML schema lines point (default: ' +
      '$CORDUM_REGISTRY/schemas/, else https://schemas.cordum.dev/)')
    .option('--json', 'print the result as JSON')
    .action((name: string, opts: InitFlags) =>
      runCommand(opts, async () => {
        const schemaBase = checkedSchemaBase(opts.schemaBase);
        const { initPack } = await import('../scaffold/init.js');
        const { schemaBaseFrom } = await import('../scaffold/schema_urls.js');
        const given = Object.fromEntries(ANSWER_NAMES.flatMap((k) =>
          (opts[k] === undefined ? [] : [[k, opts[k]]])));
        const interactive = !opts.yes && !opts.json && process.stdin.isTTY === true;
        return initPack({ name, given,
          schemaBase: schemaBaseFrom(schemaBase, process.env.CORDUM_REGISTRY),
          ...(interactive ? { ask: { input: process.stdin, output: process.stderr } } : {}) });
      }, (r) => [
        `created pack ${r.id} in ${r.dir}`,
        ...r.files.map((f) => `  ${f}`),
        `${r.simulations.passed} policy simulations pass; next: cordum pack test ${
          shellWord(r.dir)}`,
      ]),
    );
}
