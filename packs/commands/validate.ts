/** `cordum pack validate DIR|TGZ`: every problem of a pack, at once. */
import type { Command } from 'commander';
import { runCommand } from '../../cli/output.js';
import { buildBundle } from '../bundle/build.js';
import { readPackSource } from '../bundle/source.js';
import { isPackError, PackError } from '../errors.js';
import { validatePack } from '../load.js';

export function registerValidateCommand(pack: Command): void {
  pack
    .command('validate <source>')
    .description('Check pack.yaml and every workflow, policy fragment and schema it names')
    .option('--json', 'print the result as JSON')
    .action((source: string, opts: { json?: boolean }) =>
      runCommand(opts, async () => {
        const { files, dir } = await readPackSource(source);
        const result = validatePack(files);
        if (!result.ok || !result.pack) {
          throw new PackError('validation_failed',
            `${source}: ${result.issues.length} problem(s) found`, { issues: result.issues });
        }
        // A folder is built in memory too, so what the tarball's reader refuses (a file that
        // compresses too well) is found here, not first at `pack build`.
        if (dir !== undefined) {
          await buildBundle(dir).catch((err: unknown) => {
            if (!isPackError(err) || err.code !== 'bundle_ratio_exceeded') throw err;
            // The folder is at hand: name the file most likely to blame.
            const [name, bytes] = [...files.files].sort((a, b) => b[1].length - a[1].length)[0]!;
            throw new PackError(err.code, `${err.message}; the largest file is ${name} ` +
              `(${bytes.length} bytes)`, { cause: err, details: err.details });
          });
        }
        const m = result.pack.manifest;
        return {
          ok: true,
          id: m.metadata.id,
          version: m.metadata.version,
          workflows: result.pack.workflows.map((w) => w.id),
          rules: result.pack.fragments.reduce((n, f) => n + f.fragment.rules.length, 0),
          schemas: [...result.pack.schemas.keys()],
          warnings: result.warnings,
        };
      }, (r) => [
        `ok ${r.id}@${r.version}: ${r.workflows.length} workflow(s), ${r.rules} rule(s), ` +
          `${r.schemas.length} schema(s)`,
        ...r.warnings.map((w) => `warning: ${w.file}: ${w.path}: ${w.message}`),
      ]),
    );
}
