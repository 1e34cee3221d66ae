/** `cordum pack test DIR|TGZ`: the pack's policy simulations, pass or fail. */
import type { Command } from 'commander';
import { runCommand } from '../../cli/output.js';
import { readPackSource } from '../bundle/source.js';
import { loadPack } from '../load.js';
import { runSimulations } from '../simulate.js';

export function registerTestCommand(pack: Command): void {
  pack
    .command('test <source>')
    .description("Run the pack's tests.policySimulations against its own policy fragments")
    .option('--json', 'print the result as JSON')
    .action((source: string, opts: { json?: boolean }) =>
      runCommand(opts, async () => {
        const pack = loadPack((await readPackSource(source)).files);
        const { snapshotHash, results } = runSimulations(pack);
        const failed = results.filter((r) => !r.passed).length;
        return { id: pack.manifest.metadata.id, snapshot: snapshotHash, passed:
          results.length - failed, failed, results };
      }, (r) => [
        ...r.results.map((s) => s.passed
          ? `pass ${s.name}: ${s.actual}${s.ruleId ? ` (rule ${s.ruleId})` : ''}`
          : `FAIL ${s.name}: expected ${s.expected.toUpperCase()}, got ${s.actual}${
            s.ruleId ? ` (rule ${s.ruleId})` : ' (no rule matched)'}`),
        r.results.length === 0 ? `${r.id}: no policy simulations declared`
          : `${r.passed} passed, ${r.failed} failed`,
      ], (r) => (r.failed > 0 ? 1 : 0)),
    );
}
