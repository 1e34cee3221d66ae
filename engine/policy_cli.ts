/**
 * The `cordum policy` commands: lint, explain, simulate, history and
 * rollback. Bodies load on use, so `cordum --help` stays fast.
 */
import type { Command } from 'commander';
import { runCommand } from '../cli/output.js';

interface ApiFlags {
  engine?: string;
  token?: string;
  json?: boolean;
}

function withEngine(c: Command): Command {
  return c.option('--engine <url>', 'engine URL (default $CORDUM_ENGINE_URL or ' +
    'http://127.0.0.1:8787)').option('--json', 'print the result as JSON');
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy')
    .description('Lint, explain, simulate and roll back the engine\'s policy');

  policy.command('lint [path]').option('--json', 'print the result as JSON')
    .description('Report shadowed rules and overlapping rules with opposite decisions, in a '
      + 'pack folder, a folder of packs, a fragment file or a project (default: .)')
    .action(async (path: string | undefined, opts: { json?: boolean }) => {
      const { lintBody, lintLines } = await import('./commands/policy.js');
      await runCommand(opts, async () => lintBody(path ?? '.'), lintLines,
        (r) => (r.findings.some((f) => f.kind === 'shadowed') ? 1 : 0));
    });

  withEngine(policy.command('explain'))
    .description('Say which rule decides a request and why each earlier rule does not')
    .requiredOption('--request <json>', 'the policy request as JSON')
    .option('--candidate <path>', 'explain against this fragment file or pack folder instead')
    .action(async (opts: ApiFlags & { request: string; candidate?: string }) => {
      const { explainBody } = await import('./commands/policy.js');
      const { explanationLines } = await import('./kernel/explain.js');
      await runCommand(opts, () => explainBody(opts), explanationLines);
    });

  withEngine(policy.command('simulate'))
    .description('Run a candidate policy against the decisions recorded under the current one')
    .requiredOption('--candidate <path>', 'a fragment file, a pack folder or a folder of packs')
    .option('--limit <n>', 'how many recorded decisions to replay', '10000')
    .action(async (opts: ApiFlags & { candidate: string; limit?: string }) => {
      const { simulateBody } = await import('./commands/policy.js');
      const { impactLines } = await import('./kernel/simulate.js');
      await runCommand(opts, () => simulateBody(opts), impactLines);
    });

  withEngine(policy.command('history'))
    .description('List every policy snapshot the engine has run, newest first')
    .action(async (opts: ApiFlags) => {
      const { historyBody, historyLines } = await import('./commands/policy.js');
      await runCommand(opts, () => historyBody(opts), historyLines);
    });

  withEngine(policy.command('rollback <version>'))
    .description('Run a kept snapshot version again (needs the engine admin token)')
    .option('--token <token>', 'engine admin token (default $CORDUM_ENGINE_ADMIN_TOKEN)')
    .action(async (version: string, opts: ApiFlags) => {
      const { rollbackBody } = await import('./commands/policy.js');
      await runCommand(opts, () => rollbackBody({ ...opts, version }),
        (r) => `policy snapshot v${r.version} active (${r.hash})`);
    });
}
