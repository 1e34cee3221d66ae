/**
 * The framework's RPC handlers driven directly with protocol messages, over
 * a small resource defined here: apply keeps state true to what exists,
 * plans mark computed values and replacements, validation carries paths,
 * and stored state of an old schema version is upgraded.
 */
import { describe, expect, it } from 'vitest';
import { createProviderHandlers } from '../../provider/framework/server.js';
import { DiagnosticsError, error } from '../../provider/framework/diagnostics.js';
import {
  PartialApplyError,
  type ProviderDefinition,
  type Resource,
  type State,
} from '../../provider/framework/resource.js';
import { impliedType } from '../../provider/framework/schema.js';
import { decodeMsgpack, encodeMsgpack, UNKNOWN } from '../../provider/framework/values.js';
import { createLogger } from '../../provider/plugin/log.js';
import { publisherKey } from '../../provider/resources/publisher_key.js';
import { generateKeyPair } from '../../packs/signing/keys.js';

type Mode = 'ok' | 'fail' | 'partial';

const widget: Resource<{ mode: Mode }> = {
  name: 'test_widget',
  schema: {
    version: 0,
    block: {
      attributes: {
        name: { type: 'string', required: true, replace: true, description: '' },
        size: {
          type: 'number',
          optional: true,
          description: '',
          validate: (v, path) =>
            Number(v) < 0 ? [error('Negative Size', 'Use 0 or more.', path)] : [],
        },
        id: { type: 'string', computed: true, stable: true, description: '' },
        etag: { type: 'string', computed: true, description: '' },
      },
    },
  },
  async create(planned, _config, client) {
    if (client.mode === 'fail') throw new DiagnosticsError([error('Create Failed', 'no')]);
    if (client.mode === 'partial')
      throw new PartialApplyError({ ...planned, id: 'w1' }, new Error('half'));
    return { ...planned, id: 'w1', etag: 'e1' };
  },
  async read(state) {
    return state;
  },
  async update(_prior, planned, _config, client) {
    if (client.mode === 'fail') throw new Error('update broke');
    return { ...planned, etag: 'e2' };
  },
  async delete() {},
};

const type = impliedType(widget.schema.block);
const dv = (state: State | null) => ({ msgpack: encodeMsgpack(type, state) });
const read = (value: { msgpack?: Uint8Array } | undefined) =>
  value?.msgpack ? decodeMsgpack(type, value.msgpack) : undefined;

async function handlers(mode: Mode) {
  const definition: ProviderDefinition<{ mode: Mode }> = {
    name: 'test',
    schema: { version: 0, block: { attributes: {} } },
    configure: async () => ({ mode }),
    resources: [widget, publisherKey as unknown as Resource<{ mode: Mode }>],
    dataSources: [],
  };
  const h = createProviderHandlers(definition, createLogger(undefined));
  await h.ConfigureProvider!({ config: { msgpack: encodeMsgpack(['object', {}], {}) } } as never);
  return h;
}

type Answer = {
  new_state?: { msgpack?: Uint8Array };
  planned_state?: { msgpack?: Uint8Array };
  requires_replace?: { steps: { attribute_name: string }[] }[];
  diagnostics: { severity: number; summary: string; attribute?: unknown }[];
  upgraded_state?: { msgpack?: Uint8Array };
};
const call = async (h: Awaited<ReturnType<typeof handlers>>, rpc: string, req: object) =>
  (await h[rpc]!(req as never)) as Answer;

const prior = { name: 'a', size: 1, id: 'w1', etag: 'e1' };

describe('ApplyResourceChange keeps state true to what exists', () => {
  const cases = [
    { name: 'create succeeds', mode: 'ok', prior: null, state: { ...prior }, summaries: [] },
    {
      name: 'create fails: nothing recorded',
      mode: 'fail',
      prior: null,
      state: undefined,
      summaries: ['Create Failed'],
    },
    {
      name: 'create half done: what exists is recorded, unknowns as null',
      mode: 'partial',
      prior: null,
      state: { name: 'a', size: 1, id: 'w1', etag: null },
      summaries: ['Unexpected Provider Error'],
    },
    {
      name: 'update fails: the prior state stays',
      mode: 'fail',
      prior,
      state: prior,
      summaries: ['Unexpected Provider Error'],
    },
  ] as const;
  it.each(cases)('$name', async (c) => {
    const h = await handlers(c.mode);
    const planned = {
      name: 'a',
      size: c.prior ? 2 : 1,
      id: c.prior ? 'w1' : UNKNOWN,
      etag: UNKNOWN,
    };
    const answer = await call(h, 'ApplyResourceChange', {
      type_name: 'test_widget',
      prior_state: dv(c.prior),
      planned_state: dv(planned),
      config: dv({ name: 'a', size: planned.size }),
    });
    expect(answer.diagnostics.map((d) => d.summary)).toEqual(c.summaries);
    const state = read(answer.new_state);
    expect(state ?? undefined).toEqual(c.state === undefined ? undefined : c.state);
  });
});

describe('PlanResourceChange', () => {
  it('plans computed values unknown on create', async () => {
    const h = await handlers('ok');
    const config = { name: 'a', size: null, id: null, etag: null };
    const answer = await call(h, 'PlanResourceChange', {
      type_name: 'test_widget',
      prior_state: dv(null),
      proposed_new_state: dv(config),
      config: dv(config),
    });
    expect(read(answer.planned_state)).toEqual({ ...config, id: UNKNOWN, etag: UNKNOWN });
    expect(answer.requires_replace).toEqual([]);
  });

  it('asks for a replacement when a replace attribute changes', async () => {
    const h = await handlers('ok');
    const proposed = { ...prior, name: 'b' };
    const answer = await call(h, 'PlanResourceChange', {
      type_name: 'test_widget',
      prior_state: dv(prior),
      proposed_new_state: dv(proposed),
      config: dv({ name: 'b', size: 1, id: null, etag: null }),
    });
    expect(answer.requires_replace).toEqual([{ steps: [{ attribute_name: 'name' }] }]);
    expect(read(answer.planned_state)).toEqual({ ...proposed, etag: UNKNOWN });
  });
});

describe('ValidateResourceConfig', () => {
  it('reports an invalid value with its attribute path and skips unknowns', async () => {
    const h = await handlers('ok');
    const bad = await call(h, 'ValidateResourceConfig', {
      type_name: 'test_widget',
      config: dv({ name: 'a', size: -1 }),
    });
    expect(bad.diagnostics).toEqual([
      {
        severity: 1,
        summary: 'Negative Size',
        detail: 'Use 0 or more.',
        attribute: { steps: [{ attribute_name: 'size' }] },
      },
    ]);
    const unknown = await call(h, 'ValidateResourceConfig', {
      type_name: 'test_widget',
      config: dv({ name: 'a', size: UNKNOWN }),
    });
    expect(unknown.diagnostics).toEqual([]);
  });

  it('answers an unknown resource type with a diagnostic', async () => {
    const h = await handlers('ok');
    const answer = await call(h, 'ValidateResourceConfig', {
      type_name: 'test_nope',
      config: dv(null),
    });
    expect(answer.diagnostics.map((d) => d.summary)).toEqual(['Unknown resource type']);
  });
});

describe('UpgradeResourceState', () => {
  it('upgrades cordum_publisher_key state of schema version 0', async () => {
    const h = await handlers('ok');
    const key = generateKeyPair();
    const stored = { id: key.keyId, publisher: 'acme', public_key_pem: key.publicPem };
    const answer = await call(h, 'UpgradeResourceState', {
      type_name: 'cordum_publisher_key',
      version: 0,
      raw_state: { json: Buffer.from(JSON.stringify(stored)) },
    });
    expect(answer.diagnostics ?? []).toEqual([]);
    const keyType = impliedType(publisherKey.schema.block);
    expect(decodeMsgpack(keyType, answer.upgraded_state!.msgpack!)).toEqual({
      id: key.keyId,
      key_id: key.keyId,
      publisher: 'acme',
      public_key: key.publicPem,
      created_at: null,
    });
  });

  it('refuses state from a newer schema version', async () => {
    const h = await handlers('ok');
    const answer = await call(h, 'UpgradeResourceState', {
      type_name: 'test_widget',
      version: 3,
      raw_state: { json: Buffer.from('{}') },
    });
    expect(answer.diagnostics.map((d) => d.summary)).toEqual(['State From A Newer Provider']);
  });
});
