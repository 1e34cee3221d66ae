/** `cordum provider install`: the command body. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../cli/output.js';
import { installProvider, type InstallResult } from '../install.js';

/** dist/provider.cjs: beside the CLI bundle, or under dist/ when run from source. */
export function bundledProvider(): string {
  const beside = fileURLToPath(new URL('./provider.cjs', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../dist/provider.cjs', import.meta.url));
}

function render(result: InstallResult): string[] {
  const lines = [`installed ${result.source} ${result.version} at ${result.path}`];
  if (result.cli_config) {
    lines.push(`CLI configuration: ${result.cli_config}`);
    if (!result.cli_config.endsWith('.terraformrc')) {
      lines.push(`  set TF_CLI_CONFIG_FILE=${result.cli_config} (your ~/.terraformrc was kept)`);
    }
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
        ...(options.global ? { global: true } : {}),
      });
    },
    render,
  );
}
