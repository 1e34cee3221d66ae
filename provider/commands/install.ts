/** `cordum provider install`: the command body. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../cli/output.js';
import { installProvider, type InstallResult } from '../install.js';

/** dist/provider.cjs: beside the CLI bundle, or under dist/ when run from source. */
export function bundledProvider(): string {
  const beside = fileURLToPath(new URL('./provider.cjs', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../dist/provider.cjs', import.meta.url));
}

/** The CLI configuration Terraform reads: TF_CLI_CONFIG_FILE, else ~/.terraformrc. */
function terraformCliConfig(): string {
  return resolve(process.env.TF_CLI_CONFIG_FILE || join(homedir(), '.terraformrc'));
}

function render(result: InstallResult): string[] {
  const lines = [`installed ${result.source} ${result.version} at ${result.path}`];
  if (result.cli_config) {
    lines.push(`CLI configuration: ${result.cli_config}`);
    const read = terraformCliConfig();
    if (result.cli_config !== read) {
      lines.push(`  Terraform reads ${read}, which was kept: set TF_CLI_CONFIG_FILE=` +
        `${result.cli_config}, or copy its provider_installation block into your file`);
    }
  }
  if (result.stale_lock_file && result.relock_command) {
    lines.push(`${result.stale_lock_file} locks another build of ${result.source} ` +
      `${result.version}, which terraform init (even -upgrade) refuses to swap; in its folder ` +
      `run: ${result.relock_command}`);
  }
  lines.push('', 'Use it in your configuration with:', '', result.required_providers);
  return lines;
}

export async function runInstall(options: { dir?: string; global?: boolean; json?: boolean }) {
  await runCommand(
    options,
    async () => {
      // --global writes under the home folder; a --dir beside it would be silently ignored.
      if (options.global && options.dir !== undefined) {
        throw Object.assign(new Error('--dir and --global exclude each other: --dir installs ' +
          'into one Terraform folder, --global for the whole user; give one'), { code: 'usage' });
      }
      return installProvider({
        providerJs: bundledProvider(),
        ...(options.dir ? { dir: options.dir } : {}),
        ...(options.global ? { global: true, cliConfigFile: terraformCliConfig() } : {}),
      });
    },
    render,
  );
}
