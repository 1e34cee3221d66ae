/**
 * `cordum provider install` through the real CLI: the implied mirror layout
 * with an executable launcher and its own copy of the bundle, the
 * `required_providers` block, `--json`, and `--global` with a CLI
 * configuration that never overwrites the user's own.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync, cpSync, existsSync, readFileSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledProvider } from '../../provider/commands/install.js';
import { installProvider, platformDir } from '../../provider/install.js';
import { CLI, TF_HEAD, tempDir, terraform, terraformEnv } from './helpers.js';

function cordum(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
}

/** A home folder of its own, with no TF_CLI_CONFIG_FILE from the machine unless given. */
function homeEnv(home: string, cliConfigFile?: string): NodeJS.ProcessEnv {
  const { TF_CLI_CONFIG_FILE: _machine, ...env } = process.env;
  return { ...env, HOME: home, ...(cliConfigFile ? { TF_CLI_CONFIG_FILE: cliConfigFile } : {}) };
}

const folder = (mirror: string) =>
  join(
    mirror,
    'cordum.local',
    'cordum',
    'cordum',
    '0.1.0',
    platformDir(process.platform, process.arch),
  );

describe('cordum provider install', () => {
  it('fills the implied terraform.d/plugins mirror of a folder and prints the block', () => {
    const dir = tempDir('cordum-install-');
    const r = cordum(['provider', 'install', '--dir', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('source  = "cordum.local/cordum/cordum"');
    expect(r.stdout).toContain('version = "0.1.0"');

    const launcher = join(
      folder(join(dir, 'terraform.d', 'plugins')),
      'terraform-provider-cordum_v0.1.0',
    );
    expect(statSync(launcher).mode & 0o111).toBe(0o111);
    expect(readFileSync(launcher, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    expect(
      existsSync(join(folder(join(dir, 'terraform.d', 'plugins')), 'lib', 'provider.cjs')),
    ).toBe(true);

    // The bundle's chunks stay ESM, whatever package.json is above them.
    const pkg = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as { type: string };
    const platform = folder(join(dir, 'terraform.d', 'plugins'));
    expect(pkg(join(platform, 'lib', 'package.json')).type).toBe('module');

    // The entry names the provider's handlers by their content hash (so the entry's own hash,
    // which the daemon compares, changes with them), and the install carries that file.
    const entry = readFileSync(join(platform, 'lib', 'provider.cjs'), 'utf8');
    const handlers = /import\("\.\/(provider-handlers-[A-Z0-9]+\.js)"\)/.exec(entry)?.[1];
    expect(handlers).toBeDefined();
    expect(existsSync(join(platform, 'lib', handlers!))).toBe(true);

    // Run by hand (no magic cookie), the launcher explains itself.
    const direct = spawnSync(launcher, [], { encoding: 'utf8' });
    expect(direct.status).toBe(1);
    expect(direct.stderr).toContain('This binary is a plugin');
  });

  it('answers JSON with --json', () => {
    const dir = tempDir('cordum-install-');
    const r = cordum(['provider', 'install', '--dir', dir, '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string | null>;
    expect(out).toMatchObject({ source: 'cordum.local/cordum/cordum', version: '0.1.0' });
    expect(out.path).toBe(
      join(folder(join(dir, 'terraform.d', 'plugins')), 'terraform-provider-cordum_v0.1.0'),
    );
  });

  it('--global writes a user-wide mirror and a CLI configuration, keeping an existing one', () => {
    const home = tempDir('cordum-home-');
    const env = homeEnv(home);
    const first = JSON.parse(cordum(['provider', 'install', '--global', '--json'], env).stdout) as {
      cli_config: string;
      mirror: string;
    };
    expect(first.mirror).toBe(join(home, '.cordum', 'terraform', 'plugins'));
    expect(first.cli_config).toBe(join(home, '.terraformrc'));
    expect(readFileSync(first.cli_config, 'utf8')).toContain(`path    = "${first.mirror}"`);

    const own = join(home, '.terraformrc');
    writeFileSync(own, 'plugin_cache_dir = "/somewhere"\n');
    const second = JSON.parse(
      cordum(['provider', 'install', '--global', '--json'], env).stdout,
    ) as {
      cli_config: string;
    };
    expect(second.cli_config).toBe(join(home, '.cordum', 'terraform', 'cli.tfrc'));
    expect(readFileSync(own, 'utf8')).toBe('plugin_cache_dir = "/somewhere"\n');
  });

  it('--global writes the CLI configuration TF_CLI_CONFIG_FILE names (Terraform reads it)', () => {
    const home = tempDir('cordum-home-');
    const named = join(tempDir('cordum-tfrc-'), 'ci', 'terraform.tfrc');
    const first = cordum(['provider', 'install', '--global', '--json'], homeEnv(home, named));
    expect(first.status).toBe(0);
    const out = JSON.parse(first.stdout) as { cli_config: string; mirror: string };
    expect(out.cli_config).toBe(named);
    expect(readFileSync(named, 'utf8')).toContain(`path    = "${out.mirror}"`);
    expect(existsSync(join(home, '.terraformrc'))).toBe(false);

    // A file of the user's own there is kept; the hint names it rather than ~/.terraformrc.
    writeFileSync(named, 'plugin_cache_dir = "/somewhere"\n');
    const second = cordum(['provider', 'install', '--global'], homeEnv(home, named));
    const ours = join(home, '.cordum', 'terraform', 'cli.tfrc');
    expect(second.stdout).toContain(`CLI configuration: ${ours}\n  Terraform reads ${named}, ` +
      `which was kept: set TF_CLI_CONFIG_FILE=${ours}, or copy its provider_installation block`);
    expect(readFileSync(named, 'utf8')).toBe('plugin_cache_dir = "/somewhere"\n');
  });

  // Every build is 0.1.0: a rebuilt one is another package of a version the lock file holds,
  // which terraform init refuses, -upgrade too (the docs said -upgrade would take it).
  it('names a lock file that holds another build, and the command that re-locks it', () => {
    const dir = tempDir('cordum-install-');
    writeFileSync(join(dir, 'main.tf'), TF_HEAD);
    const env = terraformEnv(dir, { url: 'http://127.0.0.1:9', token: 'unused' });
    const first = cordum(['provider', 'install', '--dir', dir, '--json']);
    expect(JSON.parse(first.stdout)).toMatchObject({ stale_lock_file: null });
    expect(terraform(dir, env, 'init', '-no-color', '-input=false').code).toBe(0);
    const again = JSON.parse(cordum(['provider', 'install', '--dir', dir, '--json']).stdout);
    expect(again).toMatchObject({ stale_lock_file: null, relock_command: null });

    // Another build: the same bundle with one more byte.
    const build = tempDir('cordum-rebuilt-');
    cpSync(dirname(bundledProvider()), build, {
      recursive: true,
      filter: (f) => !f.endsWith('.map'),
    });
    const providerJs = join(build, 'provider.cjs');
    appendFileSync(providerJs, '\n// rebuilt\n');
    const result = installProvider({ providerJs, dir });
    expect(result.stale_lock_file).toBe(join(dir, '.terraform.lock.hcl'));
    const upgrade = terraform(dir, env, 'init', '-upgrade', '-no-color', '-input=false');
    expect(upgrade.code).not.toBe(0);
    expect(upgrade.stderr).toContain("doesn't match any of the checksums");

    const relock = spawnSync('sh', ['-c', result.relock_command!], { cwd: dir, env,
      encoding: 'utf8' });
    expect(relock.status, relock.stderr).toBe(0);
    expect(terraform(dir, env, 'validate', '-no-color').code).toBe(0);
    expect(installProvider({ providerJs, dir }).stale_lock_file).toBeNull();
  });

  it('refuses --dir with --global (exit 2) and writes nothing', () => {
    const home = tempDir('cordum-home-');
    const dir = tempDir('cordum-install-');
    const r = cordum(['provider', 'install', '--dir', dir, '--global'], homeEnv(home));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[usage\]: --dir and --global exclude each other/);
    expect(existsSync(join(home, '.cordum'))).toBe(false);
    expect(existsSync(join(home, '.terraformrc'))).toBe(false);
    expect(existsSync(join(dir, 'terraform.d'))).toBe(false);
  });
});
