/** `cordum pack build DIR [--out FILE]`: a reproducible `<id>-<version>.tgz`. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runCommand } from '../../cli/output.js';
import { buildBundle } from '../bundle/build.js';
import { sha256Hex } from '../digest.js';
import { outFileOrInto } from '../../cli/out_file.js';
import { writeWhole } from '../write_whole.js';
import { refuseOverwrite } from './files.js';

export function registerBuildCommand(pack: Command): void {
  pack
    .command('build <dir>')
    .description('Build a byte-for-byte reproducible tarball <id>-<version>.tgz from a pack folder')
    .option('--out <file>', 'where to write the tarball, or a folder to write it into ' +
      '(default: ./<id>-<version>.tgz)')
    .option('--json', 'print the result as JSON')
    .action((dir: string, opts: { out?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        const built = await buildBundle(dir);
        const out = resolve(outFileOrInto(opts.out, built.fileName));
        refuseOverwrite(out, '--out', built.names.map((name) =>
          ({ path: join(built.root, name), what: 'the pack\'s file' })));
        writeWhole(out, built.tgz);
        const m = built.pack.manifest.metadata;
        return { id: m.id, version: m.version, file: out, sha256: sha256Hex(built.tgz),
          size: built.tgz.length };
      }, (r) => `built ${r.file} (${r.size} bytes, sha256 ${r.sha256})`),
    );
}
