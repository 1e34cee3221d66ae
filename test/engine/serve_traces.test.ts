/**
 * The spans `cordum engine serve` sends to an OTLP/HTTP receiver on loopback,
 * read back from the JSON the exporter posts: run, step and decision nested
 * by their parent ids, and a span for each decision asked over HTTP.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import {
  countingWorker, echoProject, serve, stop, until, type RunBody,
} from './serving.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

type Attributes = OtlpSpan['attributes'];

function plain(attributes: Attributes): Record<string, unknown> {
  return Object.fromEntries(attributes.map((a) => [a.key, Object.values(a.value)[0]]));
}

/** The spans of every OTLP/HTTP JSON body, attributes (theirs, their resource's) as values. */
function spansOf(bodies: string[]) {
  const spans: (OtlpSpan & { attrs: Record<string, unknown>;
    resource: Record<string, unknown> })[] = [];
  for (const body of bodies) {
    const doc = JSON.parse(body) as { resourceSpans: { resource: { attributes: Attributes },
      scopeSpans: { spans: OtlpSpan[] }[] }[] };
    for (const rs of doc.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          spans.push({ ...s, attrs: plain(s.attributes), resource: plain(rs.resource.attributes) });
        }
      }
    }
  }
  return spans;
}

/** The span of an agent that traces its own work and calls the engine. */
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

describe('spans of cordum engine serve over OTLP/HTTP', () => {
  it('nests decisions under steps under runs, and traces decisions asked over HTTP', async () => {
    const worker = await countingWorker(0);
    const bodies: string[] = [];
    const otlp = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/v1/traces') bodies.push(text);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`;
    const data = (await backends()[0]!.fresh()).dataDir;
    const s = await serve(await echoProject(worker.url), ['--data', data],
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const post = (path: string, id: string, body: unknown, headers = {}) =>
      fetch(`${s.url}${path}`, { method: 'POST', body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-request-id': id, ...headers } });
    try {
      const run = await post('/v1/runs?wait=1', 'req-run',
        { workflow_id: 'echo-tools.greet', input: { name: 'ops' } });
      const { run_id: runId } = (await run.json()) as { run_id: string };
      const one = await post('/v1/policy/decide', 'req-one', { topic: 'job.echo-tools.echo' });
      const { snapshot_hash: hash } = (await one.json()) as { snapshot_hash: string };
      const batch = await post('/v1/policy/decide-batch', 'req-batch',
        { requests: [{ topic: 'job.echo-tools.echo' }, { topic: 'job.other.x' }] });
      expect([run.status, one.status, batch.status]).toEqual([200, 200, 200]);
      const parent = { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` };
      const sent = await Promise.all([
        post('/v1/policy/decide', 'req-tp-one', { topic: 'job.echo-tools.echo' }, parent),
        post('/v1/policy/decide-batch', 'req-tp-batch', { requests: [{ topic: 'x' }] }, parent),
        post('/v1/runs?wait=1', 'req-tp-run', { workflow_id: 'echo-tools.greet',
          input: { name: 'traced' } }, parent),
        post('/v1/policy/decide', 'req-tp-bad', { topic: 'x' },
          { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` }),
        // Answered at once (202) and advanced through the run queue.
        post('/v1/runs', 'req-tp-queued', { workflow_id: 'echo-tools.greet',
          input: { name: 'queued' } }, parent),
      ]);
      expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200, 202]);
      const { run_id: queued } = (await sent[4]!.json()) as { run_id: string };
      await until('the queued run', async () => {
        const view = (await (await fetch(`${s.url}/v1/runs/${queued}`)).json()) as RunBody;
        return view.run.status === 'succeeded' ? true : undefined;
      });
      await stop(s, 'SIGTERM');

      const spans = spansOf(bodies);
      const byId = new Map(spans.map((sp) => [sp.spanId, sp]));
      const runSpan = spans.find((sp) => sp.name === 'run' && sp.attrs['cordum.run_id'] === runId);
      expect(runSpan?.parentSpanId ?? '').toBe('');
      // Collectors group spans by service: the engine's, not `unknown_service:node`.
      expect(runSpan!.resource['service.name']).toBe('cordum-engine');
      const decisions = spans.filter((sp) => sp.name === 'policy.decide' &&
        sp.attrs['cordum.run_id'] === runId);
      expect(decisions.length).toBeGreaterThan(0);
      for (const d of decisions) {
        const step = byId.get(d.parentSpanId!)!;
        expect(step.name).toBe(`step ${String(d.attrs['cordum.step_id'])}`);
        expect(step.parentSpanId).toBe(runSpan!.spanId);
        expect(new Set([d.traceId, step.traceId])).toEqual(new Set([runSpan!.traceId]));
      }

      // Asked over HTTP: a root span per decide, one per batch naming how many it decided.
      const asked = spans.find((sp) => sp.attrs['cordum.request_id'] === 'req-one');
      expect(asked).toMatchObject({ name: 'policy.decide', attrs: {
        'cordum.topic': 'job.echo-tools.echo', 'cordum.snapshot_hash': hash } });
      expect(asked!.attrs['cordum.decision']).toEqual(expect.any(String));
      expect(asked!.parentSpanId ?? '').toBe('');
      const batched = spans.find((sp) => sp.attrs['cordum.request_id'] === 'req-batch');
      expect(batched).toMatchObject({ name: 'policy.decide_batch', attrs: {
        'cordum.decisions': 2, 'cordum.snapshot_hash': hash } });

      // A caller's traceparent makes the engine's span its child, in its trace.
      for (const [id, name] of [['req-tp-one', 'policy.decide'],
        ['req-tp-batch', 'policy.decide_batch'], ['req-tp-run', 'run'],
        ['req-tp-queued', 'run']]) {
        const sp = spans.find((x) => x.attrs['cordum.request_id'] === id && x.name === name);
        expect([id, sp?.traceId, sp?.parentSpanId]).toEqual([id, CALLER_TRACE, CALLER_SPAN]);
      }
      const traced = spans.filter((x) => x.traceId === CALLER_TRACE).map((x) => x.name);
      expect(traced).toEqual(expect.arrayContaining(['run', 'step hello', 'policy.decide']));
      // A malformed one is no parent: a root span in a trace of its own.
      const bad = spans.find((x) => x.attrs['cordum.request_id'] === 'req-tp-bad');
      expect(bad?.parentSpanId ?? '').toBe('');
    } finally {
      await stop(s, 'SIGTERM');
      otlp.close();
      await worker.close();
    }
  });
});
