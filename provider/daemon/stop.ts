/**
 * `cordum provider daemon --stop`: asks the daemon of the daemon file to
 * exit, over its own socket and with its secret (never by signalling a
 * process id that may have been reused), and waits until it has.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DaemonError } from './errors.js';
import { processAlive, readDaemonFile, removeDaemonFile } from './file.js';
import { STOP_MAGIC } from './request.js';

function ask(port: number, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('connect', () => socket.write(`${STOP_MAGIC}\0${secret}\0\0`));
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** True once nothing listens on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

/** Stops the daemon; answers its process id. A stale file is removed. */
export async function stopDaemon(path: string): Promise<{ pid: number; file: string }> {
  const file = readDaemonFile(path);
  if (!file || !processAlive(file.pid)) {
    if (file) removeDaemonFile(path, file.pid);
    throw new DaemonError('daemon_not_running', `No provider daemon runs (${path}).`);
  }
  let answer: string;
  try {
    answer = await ask(file.port, file.secret);
  } catch (err) {
    throw new DaemonError('daemon_not_running', `The daemon does not answer: ${String(err)}`, {
      cause: err,
    });
  }
  if (!answer.startsWith('stopping')) {
    throw new DaemonError('daemon_not_running', `The daemon refused: ${answer.trim()}`);
  }
  // Its port closes as it exits (its process id may linger a while as a zombie).
  for (let i = 0; i < 100 && !(await refused(file.port)); i += 1) await sleep(50);
  return { pid: file.pid, file: path };
}
