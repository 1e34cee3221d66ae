/** The `cordum pack ...` commands of the pack toolkit. */
import type { Command } from 'commander';
import { registerBuildCommand } from './commands/build.js';
import { registerInstallCommand } from './commands/install.js';
import { registerPublishCommand } from './commands/publish.js';
import { registerSignCommands } from './commands/sign.js';
import { registerTestCommand } from './commands/test.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerInitCommand } from './commands/init.js';
import { registerMigrateCommand } from './commands/migrate.js';

export function registerPackCommands(program: Command): void {
  const pack = program
    .command('pack')
    .description('Validate, build, sign, test, publish and install Cordum packs');
  registerValidateCommand(pack);
  registerBuildCommand(pack);
  registerSignCommands(pack);
  registerTestCommand(pack);
  registerPublishCommand(pack);
  registerInstallCommand(pack);
  registerInitCommand(pack);
  registerMigrateCommand(pack);
}
