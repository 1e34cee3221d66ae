/**
 * What the step-type suites (steps_*.test.ts) share: the demo workflows
 * they run, one or two of each step type, and an engine suite of them
 * under the demo policy whose `job.demo.slow` jobs go to the test's HTTP
 * worker (which may call only its `/jobs`) and every other demo job to
 * the builtin echo.
 */
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { httpHandler } from '../../engine/handlers/http.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { parseYaml } from '../../packs/documents.js';
import type { Step, Workflow } from '../../packs/workflow/types.js';
import type { Backend } from '../helpers/databases.js';
import { askWorkflow, DEMO_SCHEMAS, demoSnapshot, workflow } from './fixtures.js';
import { engineSuite, type EngineSuite } from './suite.js';

const meta = { pack_id: 'demo', capability: 'demo.echo' };
const slow = (message: string, extra: Record<string, unknown> = {}) => ({
  type: 'worker' as const,
  topic: 'job.demo.slow',
  input: { message, sleep_ms: 300 },
  meta,
  ...extra,
});

const WORKFLOWS: Workflow[] = [
  workflow('fan', {
    a: slow('a'),
    b: slow('b'),
    join: { type: 'parallel', depends_on: ['a', 'b'] },
  }),
  workflow('branches', {
    check: { type: 'condition', condition: 'input.n > 3', then: ['big'], else: ['small'] },
    big: { type: 'transform', depends_on: ['check'], input: { size: 'big' } },
    small: { type: 'transform', depends_on: ['check'], input: { size: 'small' } },
    pick: {
      type: 'switch',
      value: '${input.env}',
      cases: { prod: ['careful'], dev: ['quick'] },
      default: ['other'],
    },
    careful: { type: 'transform', depends_on: ['pick'], input: { mode: 'careful' } },
    quick: { type: 'transform', depends_on: ['pick'], input: { mode: 'quick' } },
    other: { type: 'transform', depends_on: ['pick'], input: { mode: 'other' } },
  }),
  workflow('nulls', {
    pick: { type: 'switch', value: '${input.mode}', cases: { null: ['none'], '0': ['zero'] },
      default: ['other'] },
    none: { type: 'transform', depends_on: ['pick'], input: { took: 'null' } },
    zero: { type: 'transform', depends_on: ['pick'], input: { took: '0' } },
    other: { type: 'transform', depends_on: ['pick'], input: { took: 'default' } },
  }),
  // A case may be labelled "default": it is a case like any other, not the default list.
  workflow('default-label', {
    pick: { type: 'switch', value: '${input.mode}', cases: { default: ['named'] },
      default: ['fallback'] },
    named: { type: 'transform', depends_on: ['pick'], input: { took: 'case' } },
    fallback: { type: 'transform', depends_on: ['pick'], input: { took: 'default' } },
  }),
  // As a pack's YAML writes it: a bare `null:` key reads as an empty label.
  workflow('yaml-nulls', parseYaml(`
pick: { type: switch, value: '\${input.mode}', cases: { null: [none], 0: [zero] },
  default: [other] }
none: { type: transform, depends_on: [pick], input: { took: 'null' } }
zero: { type: transform, depends_on: [pick], input: { took: '0' } }
other: { type: transform, depends_on: [pick], input: { took: default } }
`, 'yaml-nulls.yaml') as Record<string, Step>),
  workflow('each', {
    each: {
      ...slow('${item}'),
      input: { message: 'item ${index}: ${item}', sleep_ms: 300 },
      for_each: '${input.items}',
      max_parallel: 2,
    },
    total: {
      type: 'transform',
      depends_on: ['each'],
      input: { n: '${length(steps.each.output)}' },
    },
  }),
  workflow('each-fails', {
    each: {
      ...slow('${item}'),
      input: { message: 'item ${index}', sleep_ms: 10, status: '${item}' },
      for_each: '${input.statuses}',
      max_parallel: 1,
    },
  }),
  workflow('writes', {
    each: {
      type: 'worker',
      topic: 'job.demo.write',
      for_each: ['a', 'b'],
      input: { message: '${item}' },
      meta: { pack_id: 'demo', capability: 'demo.write', risk_tags: ['write'] },
    },
  }),
  workflow('count', {
    count: {
      type: 'loop',
      while: 'loop.index < input.times',
      input: { seen: '${loop.index}' },
      max_iterations: 10,
    },
  }),
  workflow('pause', {
    wait: { type: 'delay', delay_sec: 0.3 },
    later: { type: 'transform', depends_on: ['wait'], input: { ok: true } },
  }),
  // Limits past Node's longest timer (2^31 - 1 ms, about 24.8 days): a month each.
  workflow('month', {
    job: { ...slow('m'), input: { message: 'm', sleep_ms: 10 }, timeout_sec: 2_600_000 },
    call: { type: 'http', url: '${input.url}', input: { input: { message: 'hi' } },
      timeout_sec: 2_600_000 },
    nap: { type: 'delay', delay_sec: 0.05, timeout_sec: 2_600_000 },
  }, { timeout_sec: 2_600_000 }),
  workflow('each-later', {
    each: { type: 'transform', for_each: [1, 2, 3], delay_sec: 0.3, input: { n: '${item}' } },
  }),
  workflow('park', { wait: { type: 'delay', delay_sec: 3600 } }),
  workflow('until', { wait: { type: 'delay', delay_until: '${input.until}' } }),
  workflow('gate-times-out', { gate: { type: 'approval', timeout_sec: 2 } }),
  workflow('ask-times-out', { ask: { type: 'input', name: 'Region?', timeout_sec: 2 } }),
  // Deadlines past 9999-12-31T23:59:59Z, which no timer can be stored for.
  workflow('ask-for-ages', { ask: { type: 'input', timeout_sec: 1e12 },
    gate: { type: 'approval', timeout_sec: Infinity } }),
  workflow('nap', { wait: { type: 'delay', delay_sec: 30, timeout_sec: 0.2 } }),
  workflow('outer', {
    child: { type: 'subworkflow', workflow: 'demo.count', input: { times: 2 } },
  }),
  workflow('call', {
    call: {
      type: 'http',
      url: '${input.url}',
      method: 'POST',
      input: { input: { message: 'hello' } },
    },
  }),
  workflow('call-with', {
    call: { type: 'http', url: '${input.url}', method: 'POST', input: '${input.body}' },
  }),
  workflow('call-again', {
    call: { type: 'http', url: '${input.url}', method: 'POST', input: '${input.body}',
      retry: { max_retries: 2, initial_backoff_sec: 0.01 } },
  }),
  askWorkflow(),
  workflow(
    'defaults',
    { show: { type: 'transform', input: { greeting: '${input.greeting} ${input.name}' } } },
    {
      parameters: { greeting: { default: 'hello' }, name: { type: 'string' } },
      input_schema: {
        type: 'object',
        required: ['greeting', 'name'],
        properties: { greeting: { type: 'string' }, name: { type: 'string' } },
      },
    },
  ),
  workflow('rescue', {
    risky: { ...slow('x'), topic: 'job.demo.dangerous', on_error: 'cleanup' },
    after: { type: 'transform', depends_on: ['risky'], input: {} },
    cleanup: { type: 'transform', input: { why: '${steps.risky.error.code}' } },
  }),
  workflow('keyed', {
    each: {
      type: 'worker', topic: 'job.demo.echo', for_each: '${input.items}',
      input: { message: '${item}' },
      meta: { ...meta, idempotency_key: 'order-${input.order}-${item}' },
    },
  }),
  // The handler also depends on the step that routes to it: that failure meets the dependency.
  workflow('rescue_after', {
    bad: { ...slow('x'), topic: 'job.demo.dangerous', on_error: 'fix' },
    fix: { type: 'transform', depends_on: ['bad'], input: { why: '${steps.bad.error.code}' } },
  }),
  // The route also waits for a step after the failed one, which the failure cancels.
  workflow('stranded_route', {
    bad: { ...slow('x'), topic: 'job.demo.dangerous', on_error: 'fix' },
    next: { type: 'transform', depends_on: ['bad'], input: {} },
    fix: { type: 'transform', depends_on: ['next'], input: { why: '${steps.bad.error.code}' } },
  }),
  // Nothing fails: the route is skipped as it becomes moot, and what follows it runs.
  workflow('unused_route', {
    ok: { type: 'transform', input: { fine: true }, on_error: 'cleanup' },
    cleanup: { type: 'transform', input: {} },
    after: { type: 'transform', depends_on: ['cleanup'], input: { ran: true } },
  }),
];

/** An engine suite of the step-type workflows on `backend`. */
export function stepsSuite(backend: Backend): EngineSuite {
  return engineSuite(backend, (worker) => ({
    snapshot: demoSnapshot(),
    workflows: WORKFLOWS,
    schemas: DEMO_SCHEMAS,
    handlers: handlerTable([
      { topics: ['job.demo.slow'], handler: httpHandler({ url: worker.url }) },
      { topics: ['job.demo.*'], handler: builtinHandler('echo') },
    ]),
    httpAllowlist: [new URL('/jobs', worker.url).href],
  }));
}
