/**
 * Puts the provider where `terraform init` finds it with no other setup:
 * the implied filesystem mirror `terraform.d/plugins` of a folder, or a
 * user-wide mirror with a CLI configuration that points at it. The mirror
 * holds a small shell launcher and its own copy of the bundled provider
 * (dist/provider.cjs and the chunks it loads), so a rebuild or a moved
 * checkout does not break an installed provider.
 */
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PROVIDER_VERSION } from './config.js';
import { ProviderError } from './errors.js';
import { makeFolders } from '../packs/folders.js';
import { packageHash, staleLockFile } from './lock_file.js';

export const PROVIDER_HOST = 'cordum.local';
export const PROVIDER_NAMESPACE = 'cordum';
export const PROVIDER_TYPE = 'cordum';
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;

export interface InstallOptions {
  /** The project folder (local install) — default: the current folder. */
  dir?: string;
  /** Install user-wide instead. */
  global?: boolean;
  /** Absolute path of the bundled provider (dist/provider.cjs). */
  providerJs: string;
  home?: string;
  /**
   * The CLI configuration Terraform reads: `TF_CLI_CONFIG_FILE` when set, since Terraform then
   * ignores `~/.terraformrc` (default: `~/.terraformrc`).
   */
  cliConfigFile?: string;
  platform?: NodeJS.Platform;
  arch?: string;
}

export interface InstallResult {
  source: string;
  version: string;
  /** The executable Terraform runs. */
  path: string;
  /** The mirror folder (what a CLI config's filesystem_mirror names). */
  mirror: string;
  /** The CLI configuration written (global only), or null. */
  cli_config: string | null;
  /**
   * The folder's `.terraform.lock.hcl` when it locks another build of this version (which
   * `terraform init` then refuses), or null.
   */
  stale_lock_file: string | null;
  /** What updates that lock file (run in its folder), or null. */
  relock_command: string | null;
  required_providers: string;
}

export function platformDir(platform: NodeJS.Platform, arch: string): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return `${os}_${cpu}`;
}

export function requiredProvidersBlock(): string {
  return [
    'terraform {',
    '  required_providers {',
    '    cordum = {',
    `      source  = "${PROVIDER_SOURCE}"`,
    `      version = "${PROVIDER_VERSION}"`,
    '    }',
    '  }',
    '}',
  ].join('\n');
}

/**
 * The executable Terraform runs, several times per command: a POSIX shell
 * script that execs node on lib/provider.cjs (the same process, so signals
 * and the parent check work as before). It sets NODE_EXTRA_CA_CERTS aside
 * as CORDUM_EXTRA_CA_CERTS: Node parses that file and its own ~140 roots at
 * every start-up when the variable is set (about 40 ms here), and only a
 * provider making an https call needs them; its https client reads the file
 * then. A symlink to the launcher is followed to find lib/.
 *
 * With a daemon file present (`cordum provider daemon` runs), the script
 * runs itself again under bash, for its /dev/tcp: the part after the first
 * `fi`, which sh never reads. That part asks the daemon for an instance,
 * sending the secret, its folder, the working folder and its environment,
 * then relays the handshake line to stdout and the instance's log lines to
 * stderr (`cat` replaces bash and holds the socket, so Terraform killing
 * the plugin closes it and stops the instance). No daemon, a stale file, a
 * refusal or CORDUM_PROVIDER_DAEMON=0: node, exactly as without a daemon.
 */
export const LAUNCHER = [
  '#!/bin/sh',
  '# Installed by `cordum provider install`: runs the bundled Cordum provider in lib/,',
  '# through a running `cordum provider daemon` when there is one.',
  'if [ "${1-}" != --cordum-warm ]; then',
  '  self=$0',
  '  case $self in */*) ;; *) self=$(command -v -- "$self") ;; esac',
  '  while [ -L "$self" ]; do',
  '    link=$(readlink "$self")',
  '    case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac',
  '  done',
  '  here=${self%/*}',
  '  if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then',
  '    CORDUM_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS',
  '    export CORDUM_EXTRA_CA_CERTS',
  '    unset NODE_EXTRA_CA_CERTS',
  '  fi',
  '  daemon=${CORDUM_PROVIDER_DAEMON_FILE:-${HOME-}/.cordum/provider-daemon.json}',
  '  if [ "${CORDUM_PROVIDER_DAEMON-}" != 0 ] && [ -r "$daemon" ] && [ -x /bin/bash ]; then',
  '    exec /bin/bash "$self" --cordum-warm "$here" "$daemon" "$@"',
  '  fi',
  '  exec node "$here/lib/provider.cjs" "$@"',
  'fi',
  '# bash from here on.',
  'here=$2 daemon=$3',
  'shift 3',
  'warm() {',
  '  local text line name re=\'^\\{"port":([0-9]+),"secret":"([0-9a-f]{64})","pid":([0-9]+)\\}\'',
  '  IFS= read -r text < "$daemon" && [[ $text =~ $re ]] || return 1',
  '  kill -0 "${BASH_REMATCH[3]}" 2> /dev/null || return 1',
  '  { exec 3<> "/dev/tcp/127.0.0.1/${BASH_REMATCH[1]}"; } 2> /dev/null || return 1',
  '  local -a request=(cordum-provider/1 "${BASH_REMATCH[2]}" "$here" "$PWD" "$PPID")',
  '  for name in $(compgen -e); do request+=("$name=${!name}"); done',
  '  printf \'%s\\0\' "${request[@]}" \'\' >&3 2> /dev/null || return 1',
  '  while IFS= read -r -t 10 line <&3; do',
  '    case $line in',
  '      "1|6|"*) printf \'%s\\n\' "$line"; exec cat <&3 3<&- >&2 ;;',
  '      cordum-provider-daemon:*) printf \'%s\\n\' "$line" >&2; break ;;',
  '      *) printf \'%s\\n\' "$line" >&2 ;;',
  '    esac',
  '  done',
  '  exec 3<&-',
  '  return 1',
  '}',
  '# A daemon that went away mid-request must not kill us with SIGPIPE.',
  "trap '' PIPE",
  'warm',
  'trap - PIPE',
  'exec node "$here/lib/provider.cjs" "$@"',
  '',
].join('\n');

/** Copies the bundle and every chunk it imports (esbuild writes `./name.js` imports). */
function copyBundle(providerJs: string, lib: string): void {
  rmSync(lib, { recursive: true, force: true });
  makeFolders(lib);
  const from = dirname(providerJs);
  const pending = [basename(providerJs)];
  const copied = new Set<string>();
  // The bundle is ESM; say so rather than leave Node to guess from the syntax.
  writeFileSync(join(lib, 'package.json'), '{ "type": "module" }\n');
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (copied.has(file)) continue;
    copied.add(file);
    copyFileSync(join(from, file), join(lib, file));
    const text = readFileSync(join(from, file), 'utf8');
    for (const m of text.matchAll(/["']\.\/([\w.-]+\.js)["']/g)) {
      const chunk = m[1] as string;
      if (!copied.has(chunk) && existsSync(join(from, chunk))) pending.push(chunk);
    }
  }
}

function cliConfig(mirror: string): string {
  return [
    '# Written by `cordum provider install --global`.',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ["${PROVIDER_HOST}/*/*"]`,
    '  }',
    '  direct {',
    `    exclude = ["${PROVIDER_HOST}/*/*"]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function installProvider(options: InstallOptions): InstallResult {
  if (!existsSync(options.providerJs)) {
    throw new ProviderError(
      'file_unreadable',
      `The provider bundle ${options.providerJs} is missing.`,
      {
        hint: 'Run `npm run build` first.',
      },
    );
  }
  const home = options.home ?? homedir();
  const mirror = options.global
    ? join(home, '.cordum', 'terraform', 'plugins')
    : join(resolve(options.dir ?? '.'), 'terraform.d', 'plugins');
  const folder = join(
    mirror,
    PROVIDER_HOST,
    PROVIDER_NAMESPACE,
    PROVIDER_TYPE,
    PROVIDER_VERSION,
    platformDir(options.platform ?? process.platform, options.arch ?? process.arch),
  );
  makeFolders(folder);
  const path = join(folder, `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`);
  copyBundle(resolve(options.providerJs), join(folder, 'lib'));
  // An older install's package.json kept its node launcher CommonJS; the launcher is sh now.
  rmSync(join(folder, 'package.json'), { force: true });
  writeFileSync(path, LAUNCHER);
  chmodSync(path, 0o755);

  let cli: string | null = null;
  if (options.global) {
    cli = resolve(options.cliConfigFile ?? join(home, '.terraformrc'));
    const text = existsSync(cli) ? readFileSync(cli, 'utf8') : '';
    if (text.includes(mirror)) {
      // Already points at our mirror.
    } else if (text.trim() === '') {
      makeFolders(dirname(cli));
      writeFileSync(cli, cliConfig(mirror));
    } else {
      // Never rewrite someone's own configuration: write ours beside it.
      cli = join(home, '.cordum', 'terraform', 'cli.tfrc');
      writeFileSync(cli, cliConfig(mirror));
    }
  }
  const stale = staleLockFile(resolve(options.dir ?? '.'), PROVIDER_SOURCE, PROVIDER_VERSION,
    packageHash(folder));
  return {
    source: PROVIDER_SOURCE,
    version: PROVIDER_VERSION,
    path,
    mirror,
    cli_config: cli,
    stale_lock_file: stale,
    relock_command: stale === null ? null
      : `terraform providers lock -fs-mirror=${JSON.stringify(mirror)} ${PROVIDER_SOURCE}`,
    required_providers: requiredProvidersBlock(),
  };
}
