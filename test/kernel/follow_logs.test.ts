/**
 * The log says which snapshot decides however it came to: a followed change
 * (the follower's line), a rollback, and after a restart the snapshot kept
 * from before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { ADMIN_TOKEN, registeredKey, signedFixture, startTestRegistry, type TestRegistry }
  from '../registry/helpers.js';
import type { JsonLog } from '../../engine/observability/log.js';
import { openKernel } from '../../engine/kernel/wiring.js';
import { openTestKernel, type TestKernel } from './helpers.js';

let reg: TestRegistry;
let k: TestKernel;

async function pin(version: string) {
  const res = await fetch(`${reg.url}/v1/deployments/prod`, { method: 'PUT',
    body: JSON.stringify({ packs: [{ id: 'hello-pack', range: version }] }),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
}

/** A log keeping its lines as objects. */
function captured(): { log: JsonLog; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const keep = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => {
    lines.push({ level, msg, ...fields });
  };
  const log: JsonLog = { debug: keep('debug'), info: keep('info'), warn: keep('warn'),
    error: keep('error'), child: () => log, enabled: () => true };
  return { log, lines };
}

beforeAll(async () => {
  reg = await startTestRegistry(pgliteBackend);
  const key = await registeredKey(reg);
  const pack = await signedFixture('hello-pack', key, { version: '0.1.0' });
  await reg.admin.publish(pack.tgz, pack.bundle);
  k = await openTestKernel(pgliteBackend);
});

afterAll(async () => {
  await k?.close();
  await reg?.close();
});

describe('the log of a following engine', () => {
  it('says a rollback, and the snapshot a restart keeps deciding with', async () => {
    await pin('0.1.0');
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod',
      intervalMs: 60_000 };
    const first = captured();
    const parts = await openKernel({ db: k.db, record: false, registry, log: first.log });
    const taken = parts.kernel.current();
    const back = await parts.kernel.rollback(taken.version);
    await parts.close();

    expect(first.lines.filter((l) => String(l.msg).startsWith('policy snapshot'))).toEqual([
      expect.objectContaining({ level: 'info', msg: 'policy snapshot active',
        version: taken.version }),
      { level: 'info', msg: 'policy snapshot rolled back', deployment: 'prod',
        version: back.version, restored: taken.version, previous_version: taken.version,
        snapshot_hash: taken.snapshot.hash },
    ]);

    const second = captured();
    const restarted = await openKernel({ db: k.db, record: false, registry, log: second.log });
    await restarted.close();
    expect(second.lines.filter((l) => String(l.msg).startsWith('policy snapshot'))).toEqual([
      { level: 'info', msg: 'policy snapshot kept from before the restart', deployment: 'prod',
        version: back.version, restored: taken.version, snapshot_hash: taken.snapshot.hash },
    ]);
  });
});
