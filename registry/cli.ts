/**
 * `cordum registry ...`: run a registry and manage its keys. Only option
 * parsing lives here; the bodies load with `import()` when a command runs.
 */
import type { Command } from 'commander';
import { runCommand, type RegistryFlags } from '../cli/output.js';
import { registerMirrorCommand } from '../packs/commands/mirror.js';

export interface ServeFlags {
  port: string;
  host: string;
  data: string;
  anonymousRead?: boolean;
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  corsOrigin?: string[];
  rateLimitAddress?: string;
  rateLimitToken?: string;
  requestTimeout?: string;
  headersTimeout?: string;
  oidcIssuer?: string;
  oidcAudience?: string;
  oidcClaimsMap?: string;
  metricsPublic?: boolean;
}

function registerServe(registry: Command): void {
  registry
    .command('serve')
    .description('Run a pack registry (PGlite in DIR, or PostgreSQL when DATABASE_URL is set)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '7800')
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'folder for the database and blobs', './.cordum/registry')
    .option('--anonymous-read', 'let reads through without a token')
    .option('--public-url <url>', 'base of the URLs handed out, an http(s) URL ' +
      '(default: the listen address)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--cors-origin <origin...>', 'browser origins allowed to call the API (default none)')
    .option('--rate-limit-address <n>', 'requests per second per client address (0: off)', '1000')
    .option('--rate-limit-token <n>', 'requests per second per token (0: off)', '500')
    .option('--request-timeout <ms>', 'longest a whole request may take', '300000')
    .option('--headers-timeout <ms>', 'longest a client may take to send its headers', '20000')
    .option('--metrics-public', 'serve GET /metrics without a token (default: admin tokens only)')
    .option('--oidc-issuer <url>', 'accept OIDC ID tokens of this issuer (env CORDUM_OIDC_ISSUER)')
    .option('--oidc-audience <aud>', 'the audience they must name (env CORDUM_OIDC_AUDIENCE)')
    .option('--oidc-claims-map <file>', 'JSON mapping token groups to publishers and roles ' +
      '(env CORDUM_OIDC_CLAIMS_MAP)')
    .addHelpText('after', '\nEnvironment: DATABASE_URL selects PostgreSQL; ' +
      'CORDUM_BOOTSTRAP_TOKEN creates the first admin token; CORDUM_LOG_KEY or ' +
      'CORDUM_LOG_KEY_FILE give the transparency log key (default DIR/log-key.pem); ' +
      'CORDUM_METRICS_TOKEN is a Bearer secret that opens GET /metrics alone.')
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

interface DataFlags {
  data: string;
  json?: boolean;
}

function dataOption(c: Command): Command {
  return c.option('--data <dir>', 'the registry\'s data folder', './.cordum/registry')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nDATABASE_URL selects PostgreSQL, as for `registry serve`.');
}

/** `fsck`, `export`, `import` and `audit export` (bodies in commands/ and audit/). */
function registerOperations(registry: Command): void {
  dataOption(registry.command('fsck')
    .description('Check every stored blob against its digest and the log against its tree'))
    .action(async (flags: DataFlags) => (await import('./commands/fsck.js')).fsckCommand(flags));
  dataOption(registry.command('export <archive>')
    .description('Write a signed archive of packs, keys and the transparency log'))
    .action(async (archive: string, flags: DataFlags) =>
      (await import('./commands/export.js')).exportCommand(archive, flags));
  dataOption(registry.command('import <archive>')
    .description('Restore an archive into an empty registry'))
    .option('--trust-key <pem>', 'refuse an archive not signed by this log public key')
    .action(async (archive: string, flags: DataFlags & { trustKey?: string }) =>
      (await import('./commands/import.js')).importCommand(archive, flags));
  registry.command('audit').description('The audit log of a registry')
    .command('export')
    .description('Export the audit log (admin token) as JSON lines, CSV or CEF')
    .option('--format <f>', 'jsonl, csv or cef', 'jsonl')
    .option('--since <time>', 'only records at or after this RFC 3339 time')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN)')
    .action(async (flags: RegistryFlags & { format: string; since?: string; out?: string }) =>
      (await import('./audit/export-command.js')).auditExportCommand(flags));
}

export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('Run and manage a Cordum pack registry');
  registerServe(registry);
  registerKeys(registry);
  registerOperations(registry);
  registerMirrorCommand(registry);
}
