/** Starts a PostgreSQL server of our own for the tests, as CI's script does. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunningPostgres {
  url: string;
  /** The folder of the server's Unix socket (`?host=` of a URL that goes through it). */
  socketDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(args: string[]) {
  // initdb refuses to run as root, so run the server as the postgres user.
  const isRoot = process.getuid?.() === 0;
  const [cmd, ...rest] = isRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  execFileSync(cmd!, rest, { stdio: 'pipe' });
}

export async function startThrowawayPostgres(dir: string): Promise<RunningPostgres> {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'pipe' });
    } catch {
      execFileSync('useradd', ['-m', 'postgres'], { stdio: 'pipe' });
    }
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  asPostgres(['initdb', '-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8',
    '--no-locale']);
  asPostgres(['pg_ctl', '-D', `${dir}/data`, '-l', `${dir}/log`, '-w', '-t', '30', '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off`,
    'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    socketDir: dir,
    async stop() {
      asPostgres(['pg_ctl', '-D', `${dir}/data`, '-m', 'immediate', '-w', 'stop']);
    },
  };
}

/**
 * `url` sent through the server's Unix socket in `dir` instead of TCP: the
 * `host` parameter names the socket's folder, and the port its file.
 */
export function overUnixSocket(url: string, dir: string): string {
  const u = new URL(url);
  u.searchParams.set('host', dir);
  return u.toString();
}
