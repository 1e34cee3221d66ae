/**
 * `cordum registry ...`: run a registry and manage its keys. Only option
 * parsing lives here; the bodies load with `import()` when a command runs.
 */
import type { Command } from 'commander';
import { runCommand, type RegistryFlags } from '../cli/output.js';

export interface ServeFlags {
  port: string;
  host: string;
  data: string;
  anonymousRead?: boolean;
  publicUrl?: string;
}

function registerServe(registry: Command): void {
  registry
    .command('serve')
    .description('Run a pack registry (PGlite in DIR, or PostgreSQL when DATABASE_URL is set)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '7800')
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'folder for the database and blobs', './.cordum/registry')
    .option('--anonymous-read', 'let reads through without a token')
    .option('--public-url <url>', 'base of the URLs handed out (default: the listen address)')
    .addHelpText('after', '\nEnvironment: DATABASE_URL selects PostgreSQL; ' +
      'CORDUM_BOOTSTRAP_TOKEN creates the first admin token.')
    .action(async (flags: ServeFlags) => {
      const { serve } = await import('./commands/serve.js');
      await serve(flags);
    });
}

function registerKeys(registry: Command): void {
  const key = registry.command('key').description('Manage the public keys packs are signed with');
  key
    .command('add <pub>')
    .description('Register a public key (PEM file) with a registry')
    .option('--publisher <p>', 'publisher the key belongs to (admin tokens only)')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN)')
    .option('--json', 'print the result as JSON')
    .action((pub: string, opts: RegistryFlags & { publisher?: string; json?: boolean }) =>
      runCommand(
        opts,
        async () => {
          const { addKey } = await import('./commands/key-add.js');
          return addKey(pub, opts);
        },
        (r) => `registered key ${r.key_id} for publisher ${r.publisher}`,
      ),
    );
}

export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('Run and manage a Cordum pack registry');
  registerServe(registry);
  registerKeys(registry);
}
