/** The `cordum pack ...` commands of the pack toolkit. */
import type { Command } from 'commander';
import type { WorkflowTestRunner } from './commands/test.js';
import { registerBuildCommand } from './commands/build.js';
import { registerInstallCommand } from './commands/install.js';
import { registerPublishCommand } from './commands/publish.js';
import { registerYankCommand } from './commands/yank.js';
import { registerSignCommands } from './commands/sign.js';
import { registerTestCommand } from './commands/test.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerInitCommand } from './commands/init.js';
import { registerMigrateCommand } from './commands/migrate.js';

export interface PackCommandParts {
  /** Runs a pack's `tests.workflows` (the engine's, wired in by cli/main.ts). */
  runWorkflowTests?: WorkflowTestRunner;
}

export function registerPackCommands(program: Command, parts: PackCommandParts = {}): void {
  const pack = program
    .command('pack')
    .description('Validate, build, sign, test, publish and install Cordum packs');
  registerValidateCommand(pack);
  registerBuildCommand(pack);
  registerSignCommands(pack);
  registerTestCommand(pack, parts.runWorkflowTests);
  registerPublishCommand(pack);
  registerYankCommand(pack);
  registerInstallCommand(pack);
  registerInitCommand(pack);
  registerMigrateCommand(pack);
}
