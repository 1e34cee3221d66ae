/**
 * The registry's Prometheus metrics, on a registry of their own per app (no
 * global state, so two apps in one process count apart): requests by
 * method, route template and status, their latency, publishes by result,
 * tarball downloads, 429 and 503 answers, the transparency log's size and
 * the database's reachability (read when scraped), and the process's
 * default metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../../storage/database.js';
import { logSize } from '../tlog/store.js';

/** One answered request, as the metrics middleware saw it. */
export interface RequestSample {
  method: string;
  /** The router's path template (`/v1/packs/:id`), or `unmatched`. */
  route: string;
  status: number;
  seconds: number;
  /** The problem code of an error answer. */
  code?: string;
}

/** The publish route and the tarball routes, as the router names them. */
export const PUBLISH_ROUTE = '/v1/packs';
export const DOWNLOAD_ROUTES: Record<string, string> = {
  '/v1/packs/:id/versions/:version/tarball': 'pack',
  '/npm/@cordum-packs/:id/-/:file': 'npm',
};

/** From 1 ms (a cached read) to 30 s (a large publish). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
  30];

const PREFIX = 'cordum_registry_';

export class RegistryMetrics {
  readonly registry = new Registry();
  private defaultsOn = false;
  private readonly pending = new PendingRequests();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly publishes: Counter<'result'>;
  private readonly downloads: Counter<'kind'>;
  private readonly rateLimited: Counter;
  private readonly unavailable: Counter;
  private readonly treeSize: Gauge;
  private readonly databaseUp: Gauge;

  constructor(private readonly db: Queryable) {
    const registers = [this.registry];
    this.requests = new Counter({ name: `${PREFIX}http_requests_total`, registers,
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'] });
    this.latency = new Histogram({ name: `${PREFIX}http_request_duration_seconds`, registers,
      help: 'Time to answer a request, by method and route template',
      labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS });
    this.publishes = new Counter({ name: `${PREFIX}publishes_total`, registers,
      help: 'Publishes by result: ok, or the problem code of the refusal',
      labelNames: ['result'] });
    this.downloads = new Counter({ name: `${PREFIX}downloads_total`, registers,
      help: 'Tarballs served (200), by route kind: pack (/v1) or npm', labelNames: ['kind'] });
    this.rateLimited = new Counter({ name: `${PREFIX}rate_limited_total`, registers,
      help: 'Requests refused with 429 rate_limited' });
    this.unavailable = new Counter({ name: `${PREFIX}unavailable_total`, registers,
      help: 'Answers 503 service_unavailable (the database could not be reached)' });
    this.treeSize = new Gauge({ name: `${PREFIX}tlog_tree_size`, registers,
      help: 'Entries in the transparency log (read when scraped; kept while the database is ' +
        'down)' });
    this.databaseUp = new Gauge({ name: `${PREFIX}database_up`, registers,
      help: '1 when the database answered the last scrape, else 0' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Counts one answered request. */
  record(sample: RequestSample): void {
    const { method, route, status } = sample;
    if (this.pending.add(method, route, status, sample.seconds)) this.flush();
    if (method === 'POST' && route === PUBLISH_ROUTE) {
      this.publishes.inc({ result: status === 201 ? 'ok' : sample.code ?? String(status) });
    }
    const kind = DOWNLOAD_ROUTES[route];
    if (kind && method === 'GET' && status === 200) this.downloads.inc({ kind });
    if (status === 429) this.rateLimited.inc();
    if (status === 503) this.unavailable.inc();
  }

  private flush(): void {
    this.pending.flush(this.requests, this.latency);
  }

  /**
   * The text exposition. Reads the log's size first; when the database does
   * not answer, `database_up` is 0 and the size keeps its last value.
   */
  async text(): Promise<string> {
    // Default metrics start with the first scrape: an app never scraped (most
    // test apps) then holds no event-loop monitor or GC observer.
    if (!this.defaultsOn) {
      collectDefaultMetrics({ register: this.registry });
      this.defaultsOn = true;
    }
    try {
      this.treeSize.set(await logSize(this.db));
      this.databaseUp.set(1);
    } catch {
      this.databaseUp.set(0);
    }
    this.flush();
    return this.registry.metrics();
  }
}

/** Requests held before a flush at most (a registry that is never scraped). */
const MAX_PENDING = 65_536;

/**
 * Requests counted in plain maps and handed to prom-client when scraped
 * (or when MAX_PENDING are held): prom-client hashes the labels of every
 * call, a few microseconds a request on the read path.
 */
class PendingRequests {
  private counts = new Map<string, { method: string; route: string; status: string; n: number }>();
  private latencies = new Map<string, { method: string; route: string; seconds: number[] }>();
  private held = 0;

  /** True when the buffer is full and wants a flush. */
  add(method: string, route: string, status: number, seconds: number): boolean {
    const key = `${method} ${route}`;
    const countKey = `${key} ${status}`;
    const count = this.counts.get(countKey);
    if (count) count.n++;
    else this.counts.set(countKey, { method, route, status: String(status), n: 1 });
    const latency = this.latencies.get(key);
    if (latency) latency.seconds.push(seconds);
    else this.latencies.set(key, { method, route, seconds: [seconds] });
    return ++this.held >= MAX_PENDING;
  }

  flush(requests: Counter<'method' | 'route' | 'status'>,
    latency: Histogram<'method' | 'route'>): void {
    for (const c of this.counts.values()) {
      requests.inc({ method: c.method, route: c.route, status: c.status }, c.n);
    }
    for (const l of this.latencies.values()) {
      const labels = { method: l.method, route: l.route };
      for (const s of l.seconds) latency.observe(labels, s);
    }
    this.counts = new Map();
    this.latencies = new Map();
    this.held = 0;
  }
}
