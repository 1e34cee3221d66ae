/**
 * An open-loop load generator: requests leave on a fixed schedule, whether
 * or not earlier ones have been answered, and each latency is counted from
 * the time the request was due, so a slow server cannot hide its queue by
 * slowing the sender down (coordinated omission). autocannon's `overallRate`
 * is a per-second quota that each connection spends as fast as it can, a
 * burst at the top of every second, so it cannot say what a steady rate does.
 *
 * The sender runs in a worker thread so the server under test keeps the
 * main one. It speaks HTTP/1.1 itself on keep-alive sockets, each request's
 * bytes made once, so that its own work and garbage collection (node:http's
 * client costs several times the server's answer) stay out of the latencies.
 * It expects answers with a Content-Length, as the servers measured send.
 */
import { Worker } from 'node:worker_threads';

export interface PacedOptions {
  url: string;
  /** Request bodies (POST, JSON), sent in turn. */
  bodies: string[];
  /** Requests a second. */
  rate: number;
  /** Most sockets open at once; requests beyond them wait (and that wait counts). */
  connections: number;
  seconds: number;
  /** Leading seconds left out of the figures (connections opening, JIT warming). */
  warmupSeconds?: number;
}

export interface PacedResult {
  /** Answered requests a second over the measured part. */
  achieved: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  failed: number;
}

// Plain JavaScript: the worker is started from source so the bundle needs no second entry.
const WORKER = `
const { parentPort, workerData: o } = require('node:worker_threads');
const net = require('node:net');
const target = new URL(o.url);
const interval = 1e9 / o.rate;
const now = () => Number(process.hrtime.bigint());
const start = now() + 20e6;
const measuredFrom = start + o.warmupSeconds * 1e9;
const total = Math.floor((o.seconds + o.warmupSeconds) * o.rate);
const latencies = [];
let sent = 0, done = 0, failed = 0;
// Each request's bytes made once: the sender allocates little, so its own garbage
// collection stays out of the latencies it measures.
const requests = o.bodies.map((body) => Buffer.concat([Buffer.from(
  'POST ' + target.pathname + ' HTTP/1.1\\r\\nHost: ' + target.host +
  '\\r\\nContent-Type: application/json\\r\\nContent-Length: ' + Buffer.byteLength(body) +
  '\\r\\n\\r\\n'), Buffer.from(body)]));
const HEAD_END = Buffer.from('\\r\\n\\r\\n');
const LENGTH = /\\r\\ncontent-length: *(\\d+)/i;
const idle = [];
const waiting = [];
function connection() {
  const socket = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  const c = { socket, due: 0, head: null, body: 0, length: -1, status: 0 };
  socket.on('data', (chunk) => {
    if (c.length < 0) {
      c.head = c.head ? Buffer.concat([c.head, chunk]) : chunk;
      const end = c.head.indexOf(HEAD_END);
      if (end < 0) return;
      const head = c.head.toString('latin1', 0, end);
      const m = LENGTH.exec(head);
      c.status = Number(head.slice(9, 12));
      c.length = m ? Number(m[1]) : 0;
      c.body = c.head.length - end - 4;
      c.head = null;
    } else {
      c.body += chunk.length;
    }
    if (c.body >= c.length) {
      if (c.status !== 200) failed++;
      else if (c.due >= measuredFrom) latencies.push((now() - c.due) / 1e6);
      c.length = -1;
      finish();
      release(c);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    if (done >= total) return;
    // A request in flight on a closed connection failed; a new connection takes its place.
    if (c.due !== 0) { failed++; finish(); }
    if (done < total) release(connection());
  });
  return c;
}
for (let i = 0; i < o.connections; i++) idle.push(connection());
function write(c, due) {
  c.due = due;
  c.socket.write(requests[sent % requests.length]);
}
function release(c) {
  c.due = 0;
  if (waiting.length > 0) write(c, waiting.shift());
  else idle.push(c);
}
function send(due) {
  // Beyond the open connections a request waits for one, and the wait counts.
  const c = idle.pop();
  if (c) write(c, due);
  else waiting.push(due);
}
function finish() {
  done++;
  if (done < total) return;
  for (const c of idle) c.socket.destroy();
  parentPort.postMessage({ latencies, failed });
}
function pump() {
  const t = now();
  while (sent < total && start + sent * interval <= t) {
    send(start + sent * interval);
    sent++;
  }
  if (sent >= total) return;
  const wait = start + sent * interval - now();
  // Timers are late by up to a millisecond: sleep until just before, then spin.
  if (wait > 2e6) setTimeout(pump, (wait - 1.5e6) / 1e6);
  else setImmediate(pump);
}
pump();
`;

function at(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export function pacedLoad(options: PacedOptions): Promise<PacedResult> {
  const warmupSeconds = options.warmupSeconds ?? 1;
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { ...options, warmupSeconds },
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { latencies: number[]; failed: number }) => {
      void worker.terminate();
      const sorted = Float64Array.from(m.latencies).sort();
      const list = Array.from(sorted);
      resolve({
        achieved: list.length / options.seconds,
        p50: at(list, 0.5),
        p99: at(list, 0.99),
        p999: at(list, 0.999),
        max: list.length > 0 ? list[list.length - 1]! : Number.NaN,
        failed: m.failed,
      });
    });
  });
}
