/**
 * The warm provider daemon for the provider bench: `cordum provider daemon`
 * with a daemon file of its own (so a user's daemon is never used or
 * touched), and the environment that points launchers at it or, for the
 * cold rows, keeps them off every daemon.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchDaemon {
  /** Launchers started with this environment use the daemon. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** What cold rows add to their environment: no daemon, whatever the user runs. */
export const COLD_ENV = { CORDUM_PROVIDER_DAEMON: '0' };

export function startBenchDaemon(cli: string): Promise<BenchDaemon> {
  const home = mkdtempSync(join(tmpdir(), 'cordum-bench-daemon-'));
  const env = { CORDUM_PROVIDER_DAEMON_FILE: join(home, 'provider-daemon.json') };
  // The idle timeout ends it even if this bench dies before stopping it.
  const args = [cli, 'provider', 'daemon', '--json', '--idle-timeout', '2m'];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.trimEnd().endsWith('}')) return;
      done({
        env,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
          rmSync(home, { recursive: true, force: true });
        },
      });
    });
    child.on('exit', (code) => fail(new Error(`provider daemon exited ${code}: ${out}`)));
  });
}
