/**
 * What a worker step's policy request carries beyond the step itself: the
 * deployment's tenant, and the capability and risk tags its pack declares.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { createEngine, type Engine, type EngineOptions } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase, workflow } from './fixtures.js';
import { stepOf } from './held.js';

describe.each(backends())('policy requests on $name', (backend) => {
  let db: Database | undefined;

  async function engine(extra: Partial<EngineOptions> = {}): Promise<Engine> {
    db = await (await freshDatabase(backend)).open();
    return createEngine({
      db,
      snapshot: demoSnapshot(),
      workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS,
      handlers: handlerTable([{ topics: ['job.demo.*'], handler: builtinHandler('echo') }]),
      ...extra,
    });
  }

  beforeEach(() => {
    db = undefined;
  });
  afterEach(async () => {
    await db?.close();
  });

  it('uses the deployment tenant in the policy request', async () => {
    const e = await engine({ tenant: 'acme' });
    const view = await e.start('demo.hello', { message: 'hi' });
    expect(view.run.tenant_id).toBe('acme');
    expect(stepOf(view, 'echo').decision?.request.tenantId).toBe('acme');
  });

  it('adds the risk tags the pack declares for a topic to the policy request', async () => {
    const bare = workflow('bare', {
      write: { type: 'worker', topic: 'job.demo.write', input: {}, meta: { pack_id: 'demo' } },
    });
    const e = await engine({
      workflows: [bare],
      topics: [{ name: 'job.demo.write', capability: 'demo.write', riskTags: ['write'] }],
    });
    const view = await e.start('demo.bare', {});
    expect(view.run.status).toBe('waiting');
    expect(stepOf(view, 'write').decision?.request).toMatchObject({
      capability: 'demo.write',
      riskTags: ['write'],
    });
  });
});
