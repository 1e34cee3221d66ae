/** Shared bits of the npm suites: running the real npm CLI with a clean environment. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmUserConfig } from './verdaccio.js';

export interface NpmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm ...args` in `cwd` against one registry only, with a userconfig
 * and cache inside `cwd`, and without the npm_* variables of the npm that
 * started the tests.
 */
export function runNpm(cwd: string, registry: string, token: string | undefined,
  args: string[]): Promise<NpmResult> {
  const userconfig = join(cwd, '.npmrc-test');
  writeFileSync(userconfig, npmUserConfig(registry, token));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k)) env[k] = v;
  }
  const all = [...args, '--registry', registry, '--userconfig', userconfig,
    '--cache', join(cwd, '.npm-cache'), '--no-update-notifier'];
  return new Promise((done, fail) => {
    const child = spawn('npm', all, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
