/**
 * The provider's commands. Bodies load lazily so `cordum --help` stays fast.
 */
import type { Command } from 'commander';

export function registerProviderCommands(program: Command): void {
  const provider = program.command('provider').description('Install the Cordum Terraform provider');

  provider
    .command('install')
    .description('Put the provider where `terraform init` finds it')
    .option('--dir <dir>', 'Terraform folder to install into (default: the current folder)')
    .option('--global', 'install a user-wide mirror and CLI configuration instead')
    .option('--json', 'print the result as JSON')
    .action(async (options: { dir?: string; global?: boolean; json?: boolean }) => {
      const { runInstall } = await import('./commands/install.js');
      await runInstall(options);
    });

  provider
    .command('daemon')
    .description(
      'Serve warm provider instances to installed launchers (faster terraform commands); ' +
        'runs in the foreground until idle',
    )
    .option('--idle-timeout <duration>', 'exit after this long with no instance, such as ' +
      '30s or 1h, from 1ms to 596h (default: 10m; not with --stop)')
    .option('--log-level <level>', 'daemon log level on stderr: trace, debug, info, warn or ' +
      'error', 'info')
    .option('--stop', 'stop the running daemon instead')
    .option('--json', 'print the result as JSON')
    .action(async (options: import('./commands/daemon.js').DaemonFlags) => {
      const { runDaemon } = await import('./commands/daemon.js');
      await runDaemon(options);
    });
}
