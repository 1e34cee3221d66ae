/**
 * An open-loop load generator: requests leave on a fixed schedule, whether
 * or not earlier ones have been answered, and each latency is counted from
 * the time the request was due, so a slow server cannot hide its queue by
 * slowing the sender down (coordinated omission). autocannon's `overallRate`
 * is a per-second quota that each connection spends as fast as it can, a
 * burst at the top of every second, so it cannot say what a steady rate does.
 *
 * The sender runs in a worker thread so the server under test keeps the
 * main one.
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
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, noDelay: true });
const target = new URL(o.url);
const interval = 1e9 / o.rate;
const now = () => Number(process.hrtime.bigint());
const start = now() + 20e6;
const measuredFrom = start + o.warmupSeconds * 1e9;
const total = Math.floor((o.seconds + o.warmupSeconds) * o.rate);
const latencies = [];
let sent = 0, done = 0, failed = 0;
function send(due) {
  const body = o.bodies[sent % o.bodies.length];
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname,
    method: 'POST', agent, headers: { 'content-type': 'application/json',
      'content-length': Buffer.byteLength(body) } }, (res) => {
    res.on('data', () => {});
    res.on('end', () => {
      if (res.statusCode !== 200) failed++;
      else if (due >= measuredFrom) latencies.push((now() - due) / 1e6);
      finish();
    });
  });
  req.on('error', () => { failed++; finish(); });
  req.end(body);
}
function finish() {
  done++;
  if (done < total) return;
  agent.destroy();
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
