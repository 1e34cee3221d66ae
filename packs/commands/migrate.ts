/** `cordum pack migrate DIR`: legacy policy (tenants with topic lists) into rules. */
import type { Command } from 'commander';
import { runCommand } from '../../cli/output.js';

export function registerMigrateCommand(pack: Command): void {
  pack
    .command('migrate <dir>')
    .description('Convert legacy policy fragments (tenants with allow_topics and deny_topics) ' +
      'into rules with the same decisions; shows the diff, --write applies it')
    .option('--write', 'write the converted fragments')
    .option('--json', 'print the result as JSON')
    .action((dir: string, opts: { write?: boolean; json?: boolean }) =>
      runCommand(opts, async () => {
        const { migratePack } = await import('../migrate/pack.js');
        return migratePack(dir, opts.write === true);
      }, (r) => {
        const changed = r.fragments.filter((f) => f.changed);
        if (changed.length === 0) return [`${r.dir}: nothing to migrate`];
        return [
          ...r.diff,
          ...r.fragments.map((f) => `${f.file}: ${f.notes.join('; ')} (snapshot ${
            f.snapshot.slice(0, 19)}…, unchanged)`),
          r.written ? `wrote ${changed.length} fragment(s)` : 'dry run: pass --write to apply',
        ];
      }),
    );
}
