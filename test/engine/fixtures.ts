/**
 * What the engine suites share: a policy snapshot built from fragments, a
 * small demo pack's workflows and schemas, and a fresh database.
 */
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import type { Workflow } from '../../packs/workflow/types.js';
import { openDatabase, type Database } from '../../storage/database.js';
import type { Backend } from '../helpers/databases.js';
import { startEngineServer } from '../../engine/http/server.js';
import { createEngine } from '../../engine/runner.js';

/** The error a function throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): {
  code?: string;
  message: string;
  issues?: unknown[];
  details?: Record<string, unknown>;
} {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}

export async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; issues?: unknown[] };
  }
  throw new Error('expected a rejection');
}

export const DEMO_FRAGMENT: RawFragment = {
  version: 'v1',
  rules: [
    {
      id: 'demo-write-approval',
      match: { topics: ['job.demo.write'], risk_tags: ['write'] },
      decision: 'require_approval',
      reason: 'Writes need a person',
    },
    {
      id: 'demo-deny',
      match: { topics: ['job.demo.dangerous'] },
      decision: 'deny',
      reason: 'Dangerous operation blocked',
      remediations: [{ id: 'use-safe', replacement_topic: 'job.demo.safe' }],
    },
    {
      id: 'demo-throttle',
      match: { topics: ['job.demo.busy'] },
      decision: 'throttle',
      reason: 'busy',
    },
    {
      id: 'demo-constrained',
      match: { topics: ['job.demo.http'] },
      decision: 'allow_with_constraints',
      constraints: {
        budgets: { max_retries: 1, max_runtime_ms: 5000 },
        sandbox: { isolated: true },
      },
    },
    { id: 'demo-allow', match: { topics: ['job.demo.*'], pack_ids: ['demo'] }, decision: 'allow' },
  ],
};

export function demoSnapshot(fragment: RawFragment = DEMO_FRAGMENT): PolicySnapshot {
  const loaded = toFragment(fragment, { packId: 'demo', file: 'overlays/policy.fragment.yaml' });
  return buildSnapshot([{ packId: 'demo', version: '0.1.0', fragment: loaded }]);
}

export const DEMO_SCHEMAS = new Map<string, object>([
  [
    'demo/HelloInput',
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { message: { type: 'string' }, author: { type: 'string' } },
      required: ['message'],
      additionalProperties: false,
    },
  ],
  [
    'demo/HelloOutput',
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        echo: { type: 'string' },
        job_id: { type: 'string' },
        received_at: { type: 'string', format: 'date-time' },
      },
      required: ['echo', 'job_id', 'received_at'],
    },
  ],
]);

type StepInput = Omit<Workflow['steps'][string], 'id'>;

/** A workflow of the demo pack from its steps (ids filled in from the keys). */
export function workflow(
  name: string,
  steps: Record<string, StepInput>,
  extra: Partial<Workflow> = {},
): Workflow {
  const withIds: Workflow['steps'] = {};
  for (const [id, step] of Object.entries(steps))
    withIds[id] = { ...step, id } as Workflow['steps'][string];
  return { id: `demo.${name}`, file: `workflows/${name}.yaml`, steps: withIds, ...extra };
}

const echoMeta = { pack_id: 'demo', capability: 'demo.echo' };

export const DEMO_WORKFLOWS: Workflow[] = [
  workflow(
    'hello',
    {
      echo: {
        type: 'worker',
        topic: 'job.demo.echo',
        input: { message: '${input.message}', author: '${input.author}' },
        input_schema_id: 'demo/HelloInput',
        output_schema_id: 'demo/HelloOutput',
        meta: echoMeta,
      },
    },
    { timeout_sec: 60 },
  ),
  workflow('guarded', {
    write: {
      type: 'worker',
      topic: 'job.demo.write',
      input: { message: '${input.message}' },
      meta: { pack_id: 'demo', capability: 'demo.write', risk_tags: ['write', 'prod'] },
    },
    confirm: {
      type: 'worker',
      topic: 'job.demo.safe',
      depends_on: ['write'],
      input: { message: 'confirmed ${steps.write.output.echo}' },
      meta: echoMeta,
    },
  }),
  workflow('denied', {
    first: { type: 'worker', topic: 'job.demo.echo', input: { message: 'one' }, meta: echoMeta },
    danger: {
      type: 'worker',
      topic: 'job.demo.dangerous',
      depends_on: ['first'],
      input: { message: 'boom' },
      meta: echoMeta,
    },
    after: {
      type: 'worker',
      topic: 'job.demo.echo',
      depends_on: ['danger'],
      input: { message: 'never' },
      meta: echoMeta,
    },
  }),
  workflow('throttled', {
    busy: { type: 'worker', topic: 'job.demo.busy', input: {}, meta: echoMeta },
  }),
  workflow('branch', {
    check: { type: 'condition', condition: 'input.count > 3' },
    big: {
      type: 'worker',
      topic: 'job.demo.echo',
      depends_on: ['check'],
      condition: '${steps.check.output}',
      input: { message: 'big ${input.count}' },
      meta: echoMeta,
    },
    small: {
      type: 'worker',
      topic: 'job.demo.echo',
      depends_on: ['check'],
      condition: '!steps.check.output',
      input: { message: 'small' },
      meta: echoMeta,
    },
    summary: {
      type: 'transform',
      depends_on: ['big', 'small'],
      input: {
        big: '${steps.big.output.echo}',
        small: '${steps.small.output.echo}',
        count: '${input.count}',
      },
    },
  }),
  workflow('signoff', {
    ask: { type: 'approval', name: 'Sign off the release', input: { release: '${input.release}' } },
    tell: {
      type: 'notify',
      depends_on: ['ask'],
      input: { message: 'release ${input.release} signed off: ${steps.ask.output.note}' },
    },
  }),
];

/** A fresh, empty database on the backend; `reopen` opens it again (a new process). */
export async function freshDatabase(backend: Backend) {
  const target = await backend.fresh();
  const options = target.url ? { url: target.url } : { dataDir: target.pgliteDir! };
  return {
    dataDir: target.dataDir,
    open: (): Promise<Database> => openDatabase(options),
  };
}

/**
 * The demo workflows served over HTTP on loopback from a fresh database of
 * the backend, no handlers: what the HTTP suites start from.
 */
export async function demoServer(backend: Backend) {
  const db = await (await freshDatabase(backend)).open();
  const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
    schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
  const server = await startEngineServer({ engine, port: 0, pollMs: 0, ready: async () => true });
  return { db, engine, server, close: async () => {
    await server.close();
    await db.close();
  } };
}

/** `demo.ask`: an input step asking for a region, and a transform that reads the answer. */
export function askWorkflow(): Workflow {
  return workflow('ask', {
    ask: { type: 'input', name: 'Which region?' },
    use: {
      type: 'transform',
      depends_on: ['ask'],
      input: { region: '${steps.ask.output.region}' },
    },
  });
}
