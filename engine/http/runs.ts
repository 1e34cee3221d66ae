/**
 * The run routes of `cordum engine serve`: start, list, show and cancel
 * runs; approve, reject and give input to a waiting step. Engine errors
 * answer problem+json with their code.
 */
import { isEngineError } from '../errors.js';
import { isAdminToken } from '../kernel/admin.js';
import { remoteParent, validTraceparent } from '../observability/trace_parent.js';
import { publicRun, publicView } from '../render.js';
import { listLimit } from '../run_input.js';
import type { Engine } from '../runner.js';
import type { RouteParts } from './routes.js';
import {
  booleanParam,
  HttpProblem,
  noteForLog,
  paramsOf,
  readFields,
  sendJson,
  type EngineRoute,
  type RouteContext,
} from './route.js';

const STATUS_OF: Partial<Record<string, number>> = {
  run_not_found: 404,
  step_not_found: 404,
  workflow_not_found: 404,
  input_invalid: 422,
  workflow_invalid: 422,
  step_type_unsupported: 422,
  approval_not_pending: 409,
  input_not_waiting: 409,
  run_finished: 409,
  idempotency_key_reused: 422,
  usage: 400,
};

function route(
  method: 'GET' | 'POST',
  path: string,
  handle: (ctx: RouteContext, params: Record<string, string>) => Promise<void>,
): EngineRoute {
  return {
    method,
    path,
    async handle(ctx) {
      const params = paramsOf(path, ctx.url.pathname) ?? {};
      // The request's log line names the run and step it acts on, refused or not.
      if (params.id !== undefined) {
        noteForLog(ctx.res, { run_id: params.id,
          ...(params.step === undefined ? {} : { step_id: params.step }) });
      }
      try {
        await handle(ctx, params);
      } catch (err) {
        if (!isEngineError(err)) throw err;
        throw new HttpProblem(STATUS_OF[err.code] ?? 500, err.code, err.message,
          err.issues.length > 0 ? { issues: err.issues } : {});
      }
    },
  };
}

/**
 * The run once no process advances it any more (it stopped, or waits),
 * checked every 100 ms, for as long as the caller is there to hear it.
 */
async function settled(engine: Engine, id: string, ctx: RouteContext) {
  for (;;) {
    const view = await engine.view(id);
    const moving = view.run.status === 'running' || view.run.status === 'pending';
    if (!moving || ctx.res.destroyed || ctx.req.socket.destroyed) return view;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The start's `Idempotency-Key` header: printable text of 1 to 256 characters, sent once. */
function idempotencyKey(ctx: RouteContext): string | undefined {
  const key = ctx.req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  // Node joins a header sent twice with ", ": two keys are no key.
  const sent = ctx.req.rawHeaders.filter((h, i) => i % 2 === 0 &&
    h.toLowerCase() === 'idempotency-key').length;
  if (sent > 1 || typeof key !== 'string' || !/^[\x21-\x7e][\x20-\x7e]{0,255}$/.test(key)) {
    throw new HttpProblem(400, 'request_invalid', 'Idempotency-Key must be 1 to 256 printable ' +
      'ASCII characters (a UUID, say), sent once');
  }
  return key;
}

/** `?limit`, read as the CLI reads `--limit`; a bad one is the request's fault, not usage. */
function limitOf(ctx: RouteContext): number {
  try {
    return listLimit(ctx.url.searchParams.get('limit'), '?limit');
  } catch (err) {
    throw new HttpProblem(400, 'request_invalid', (err as Error).message);
  }
}

/** An optional text field of a body: a string, or absent; anything else is refused. */
function text(value: unknown, name = 'field'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new HttpProblem(400, 'request_invalid', `"${name}" must be a string`);
  }
  return value;
}

/** Advances a run for a request: its log lines and spans carry the request's id. */
type ForRequest = <T>(ctx: RouteContext, runId: string, fn: () => Promise<T>) => Promise<T>;

/**
 * `POST /v1/runs`: records the run (once per Idempotency-Key), then waits
 * for it (`?wait=1`, 200) or answers 202 with its id and advances it after
 * the answer, through the queue when there is one.
 */
async function startRun(ctx: RouteContext, parts: RouteParts, forRequest: ForRequest) {
  const { engine, queue, canResume } = parts;
  const b = await readFields(ctx.req, ['workflow_id', 'input']);
  if (typeof b.workflow_id !== 'string') {
    throw new HttpProblem(400, 'request_invalid', b.workflow_id === undefined
      ? 'the body needs "workflow_id": the workflow to run, as <pack_id>.<name>'
      : `"workflow_id" must be a string, not ${JSON.stringify(b.workflow_id)}`);
  }
  const wait = booleanParam(ctx.url, 'wait');
  // Its workflows not verified yet (a rollback's being fetched, say): a moment, not a 404.
  if (canResume?.() === false) {
    throw new HttpProblem(503, 'not_ready', 'the engine is not ready to start runs yet ' +
      '(GET /readyz says what it waits for); try again shortly');
  }
  const key = idempotencyKey(ctx);
  const { id, replayed } = key === undefined
    ? { id: await engine.record(b.workflow_id, b.input ?? {}), replayed: false }
    : await engine.recordOnce(b.workflow_id, b.input ?? {}, key);
  // The request's log line names the run it made, so the two can be found together.
  noteForLog(ctx.res, { run_id: id, ...(replayed ? { replayed: true } : {}) });
  if (replayed) ctx.res.setHeader('idempotent-replayed', 'true');
  if (wait) {
    await forRequest(ctx, id, () => engine.resume(id));
    // A start sent again while the first still advances it waits as the first does.
    sendJson(ctx.res, 200, publicView(replayed ? await settled(engine, id, ctx)
      : await engine.view(id)));
    return;
  }
  // A start sent again answers the run as it is now (pending runs are resumed when due).
  const status = replayed ? (await engine.view(id)).run.status : 'pending';
  if (queue && status === 'pending') {
    await queue.enqueue(id, ctx.requestId, validTraceparent(ctx.req.headers.traceparent));
  }
  sendJson(ctx.res, 202, { run_id: id, status });
  if (!queue && status === 'pending') {
    void forRequest(ctx, id, () => engine.resume(id)).catch(() => undefined);
  }
}

/**
 * The run routes. A started run is recorded before the answer (202, with
 * its id) and advanced afterwards, unless `?wait=1` asks to wait for it.
 * The run's lines name the request that started or resumed it.
 */
export function runRoutes(parts: RouteParts): EngineRoute[] {
  const { engine, approverTokens } = parts;
  const forRequest: ForRequest = (ctx, runId, fn) => parts.requests
    ? parts.requests.during(runId, ctx.requestId, fn, remoteParent(ctx.req.headers.traceparent))
    : fn();
  const approver = (ctx: RouteContext) => {
    if (!approverTokens?.length) return;
    const header = ctx.req.headers.authorization;
    if (approverTokens.some((t) => isAdminToken(header, t))) return;
    throw new HttpProblem(403, 'forbidden', `${ctx.url.pathname} needs the approver token ` +
      '(CORDUM_ENGINE_APPROVER_TOKEN or the admin token): send Authorization: Bearer <token>');
  };
  return [
    route('POST', '/v1/runs', (ctx) => startRun(ctx, parts, forRequest)),
    route('GET', '/v1/runs', async (ctx) => {
      const limit = limitOf(ctx);
      sendJson(ctx.res, 200, { runs: (await engine.list(limit)).map(publicRun) });
    }),
    route('GET', '/v1/runs/:id', async (ctx, p) => {
      const view = publicView(await engine.view(p.id!));
      sendJson(ctx.res, 200, { ...view, timeline: await engine.timeline(p.id!) });
    }),
    route('POST', '/v1/runs/:id/cancel', async (ctx, p) => {
      approver(ctx);
      sendJson(ctx.res, 200, publicView(await forRequest(ctx, p.id!, () => engine.cancel(p.id!))));
    }),
    route('POST', '/v1/runs/:id/steps/:step/approve', async (ctx, p) => {
      approver(ctx);
      const b = await readFields(ctx.req, ['note', 'by']);
      const decided = decidedOf(text(b.note, 'note'), text(b.by, 'by'));
      const view = await forRequest(ctx, p.id!, () => engine.approve(p.id!, p.step!, decided));
      sendJson(ctx.res, 200, publicView(view));
    }),
    route('POST', '/v1/runs/:id/steps/:step/reject', async (ctx, p) => {
      approver(ctx);
      const b = await readFields(ctx.req, ['reason', 'by']);
      const decided = decidedOf(text(b.reason, 'reason'), text(b.by, 'by'));
      const view = await forRequest(ctx, p.id!, () => engine.reject(p.id!, p.step!, decided));
      sendJson(ctx.res, 200, publicView(view));
    }),
    route('POST', '/v1/runs/:id/steps/:step/input', async (ctx, p) => {
      approver(ctx);
      const b = await readFields(ctx.req, ['data']);
      if (!('data' in b)) {
        throw new HttpProblem(400, 'request_invalid', 'the body needs "data": what the input ' +
          'step gives its run (checked against its output_schema_id)');
      }
      const view = await forRequest(ctx, p.id!, () => engine.giveInput(p.id!, p.step!, b.data));
      sendJson(ctx.res, 200, publicView(view));
    }),
  ];
}

function decidedOf(note: string | undefined, by: string | undefined) {
  const decided: { note?: string; by?: string } = {};
  if (note !== undefined) decided.note = note;
  if (by !== undefined) decided.by = by;
  return decided;
}
