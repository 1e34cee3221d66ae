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
}
