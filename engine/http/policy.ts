/**
 * The policy kernel over HTTP: decide and decide-batch (the hot paths,
 * kept lean), explain, status, history, rollback (admin) and simulate.
 * Decisions answer the snapshot hash and version they were made against.
 */
import type { IncomingMessage } from 'node:http';
import { KernelError } from '../kernel/errors.js';
import {
  booleanParam, HttpProblem, onJson, readFields, sendJson, sendProblem, type EngineRoute,
} from './route.js';
import type { DecideOptions, KernelDecision, PolicyKernel } from '../kernel/kernel.js';
import type { PolicyRequest } from '../../packs/policy/types.js';
import type { EngineTracing } from '../observability/tracing.js';
import { remoteParent } from '../observability/trace_parent.js';
import { requireAdmin } from '../kernel/admin.js';
import { toPolicyRequest } from '../kernel/request.js';
import { MAX_SIMULATE_LIMIT, simulateCandidate, simulateLimit } from '../kernel/simulate.js';
import { toCandidateSnapshot } from '../kernel/candidate.js';

/** Most requests one decide-batch may carry. */
export const MAX_BATCH = 10_000;

function wire(d: KernelDecision) {
  const out: Record<string, unknown> = {
    decision: d.decision,
    rule_id: d.ruleId ?? null,
    snapshot_hash: d.snapshotHash,
    snapshot_version: d.snapshotVersion,
  };
  if (d.reason !== undefined) out.reason = d.reason;
  if (d.constraints !== undefined) out.constraints = d.constraints;
  if (d.remediations !== undefined) out.remediations = d.remediations;
  if (d.explanation !== undefined) out.explanation = d.explanation;
  return out;
}

/** HTTP statuses of kernel errors other than 400. */
const KERNEL_STATUS: Partial<Record<string, number>> = {
  version_not_found: 404,
  snapshot_unavailable: 503,
};

function asProblem(err: unknown): never {
  if (err instanceof KernelError) {
    throw new HttpProblem(KERNEL_STATUS[err.code] ?? 400, err.code, err.message);
  }
  throw err;
}

/** Answers a refused body or request as problem+json (the callback path has no thrower). */
function answerProblem(res: import('node:http').ServerResponse, err: unknown): void {
  if (err instanceof KernelError) {
    return sendProblem(res, KERNEL_STATUS[err.code] ?? 400, err.code, err.message);
  }
  if (err instanceof HttpProblem) {
    return sendProblem(res, err.status, err.code, err.message, err.members);
  }
  sendProblem(res, 500, 'internal', err instanceof Error ? err.message : String(err));
}

/**
 * How the routes decide: the kernel itself, or through tracing's spans, under
 * the caller's span when its request sent a `traceparent`.
 */
interface Decider {
  one(request: PolicyRequest, options: DecideOptions, req: IncomingMessage): KernelDecision;
  batch(requests: PolicyRequest[], options: DecideOptions, req: IncomingMessage):
    KernelDecision[];
}

function deciderOf(kernel: PolicyKernel, tracing: EngineTracing | undefined): Decider {
  if (!tracing) {
    return { one: (r, o) => kernel.decide(r, o), batch: (rs, o) => kernel.decideBatch(rs, o) };
  }
  return {
    one: (r, o, req) => tracing.decide(kernel, r, remoteParent(req.headers.traceparent), o),
    batch: (rs, o, req) =>
      tracing.decideBatch(kernel, rs, o, remoteParent(req.headers.traceparent)),
  };
}

/** The hot paths: one decision, or many against one snapshot. */
function decideRoutes(kernel: PolicyKernel, decider: Decider): EngineRoute[] {
  return [
    { method: 'POST', path: '/v1/policy/decide', handle(ctx) {
      // Callbacks, not promises: the single-decision path is the one measured per request.
      const { req, res, requestId } = ctx;
      onJson(req, 1 << 20, (err, body) => {
        if (err) return answerProblem(res, err);
        let parsed;
        let explain;
        try {
          parsed = toPolicyRequest(body);
          // Only a request with a query string pays for parsing the URL.
          explain = req.url?.includes('?') === true && booleanParam(ctx.url, 'explain');
        } catch (e) {
          return answerProblem(res, e);
        }
        let decided;
        try {
          decided = decider.one(parsed, { requestId, explain }, req);
        } catch (e) {
          return answerProblem(res, e);
        }
        sendJson(res, 200, wire(decided));
      });
    } },
    { method: 'POST', path: '/v1/policy/decide-batch', async handle({ req, res, requestId,
      url }) {
      // As in each request, a field the body does not have is refused, not ignored.
      const body = await readFields(req, ['requests'], 64 << 20);
      if (!Array.isArray(body.requests) || body.requests.length > MAX_BATCH) {
        throw new HttpProblem(400, 'request_invalid',
          `expected { requests: [...] } with at most ${MAX_BATCH} requests`);
      }
      let requests;
      try {
        requests = body.requests.map((r: unknown, i) => toPolicyRequest(r, `requests[${i}]`));
      } catch (err) { asProblem(err); }
      const explain = booleanParam(url, 'explain');
      let decided;
      try {
        decided = decider.batch(requests, { requestId, explain }, req);
      } catch (err) { asProblem(err); }
      const active = decided[0] ?? { snapshotHash: kernel.current().snapshot.hash,
        snapshotVersion: kernel.current().version };
      sendJson(res, 200, { snapshot_hash: active.snapshotHash,
        snapshot_version: active.snapshotVersion, decisions: decided.map(wire) });
    } },
  ];
}

/** Rows of the history one answer holds unless `?limit` says fewer or more. */
const HISTORY_PAGE = 100;
const MAX_HISTORY_PAGE = 1000;

/** `?limit` or `?before` of the history: absent, or a whole number from 1. */
function historyParam(url: URL, name: 'limit' | 'before'): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new HttpProblem(400, 'request_invalid', `?${name} must be a whole number from 1, ` +
      `not "${value.slice(0, 64)}"`);
  }
  return Number(value);
}

/** Status, the kept snapshots, and rollback (admin). */
function historyRoutes(kernel: PolicyKernel, adminToken: string | undefined): EngineRoute[] {
  return [
    { method: 'GET', path: '/v1/policy/status', handle({ res }) {
      sendJson(res, 200, kernel.status());
    } },
    { method: 'GET', path: '/v1/policy/history', async handle({ res, url }) {
      // A page at a time, so a long-lived engine's history is never cut short nor sent whole.
      const limit = historyParam(url, 'limit') ?? HISTORY_PAGE;
      const before = historyParam(url, 'before');
      if (limit > MAX_HISTORY_PAGE) {
        throw new HttpProblem(400, 'request_invalid',
          `?limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}, not ${limit}`);
      }
      const page = await kernel.history.page(limit, before);
      sendJson(res, 200, { active: kernel.current().version, snapshots: page.entries,
        ...(page.nextBefore === undefined ? {} : { next_before: page.nextBefore }) });
    } },
    { method: 'POST', path: '/v1/policy/rollback', admin: true, async handle(ctx) {
      requireAdmin(ctx, adminToken);
      const body = await readFields(ctx.req, ['version']);
      const version = body.version;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 ||
        version > 2 ** 31 - 1) {
        throw new HttpProblem(400, 'request_invalid', 'expected { version: <integer> } with a ' +
          'version from /v1/policy/history');
      }
      const active = await kernel.rollback(body.version as number).catch(asProblem);
      sendJson(ctx.res, 200, { version: active.version, hash: active.snapshot.hash,
        source: active.source });
    } },
  ];
}

/** Impact analysis of a candidate fragment against the decisions recorded under the current. */
function simulateRoute(kernel: PolicyKernel): EngineRoute {
  return { method: 'POST', path: '/v1/policy/simulate', async handle({ req, res, url }) {
    const body = await readFields(req, ['candidate'], 64 << 20);
    let candidate;
    try { candidate = toCandidateSnapshot(body.candidate); } catch (err) { asProblem(err); }
    const given = url.searchParams.get('limit') ?? '10000';
    const limit = simulateLimit(given);
    if (limit === undefined) {
      throw new HttpProblem(400, 'request_invalid',
        `limit must be a whole number from 1 to ${MAX_SIMULATE_LIMIT}, not "${given}"`);
    }
    const running = kernel.current().snapshot;
    const snapshotHash = running.hash;
    const recorded = kernel.recorder
      ? await kernel.recorder.list({ snapshotHash, limit, newest: true }) : [];
    const available = kernel.recorder ? await kernel.recorder.count({ snapshotHash }) : 0;
    sendJson(res, 200, { ...simulateCandidate(candidate, recorded, 50, running),
      recorded: available });
  } };
}

export function policyRoutes(kernel: PolicyKernel,
  options: { adminToken?: string; tracing?: EngineTracing } = {}): EngineRoute[] {
  const decider = deciderOf(kernel, options.tracing);
  return [...decideRoutes(kernel, decider), ...historyRoutes(kernel, options.adminToken),
    simulateRoute(kernel)];
}
