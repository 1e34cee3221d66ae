/**
 * The provider's own protobuf codec against protobufjs as the reference:
 * the same messages encode to bytes the reference decodes to the same
 * values, and the reference's bytes decode back. Also: the precompiled
 * descriptor is up to date with the .proto files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { descriptor } from '../../provider/proto/descriptor.js';
import { decodeMessage, encodeMessage, loadTypes } from '../../provider/plugin/protobuf.js';
import { frame, loadMethods, unframe } from '../../provider/plugin/grpc_server.js';
import { ROOT } from './helpers.js';

const ours = loadTypes(descriptor);
const reference = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const TO_OBJECT = { longs: Number, enums: Number, defaults: false, bytes: Buffer } as const;

// Messages in canonical form: no proto3 defaults (they never reach the wire), but a
// oneof member is sent whenever it is set.
const cases: { type: string; message: Record<string, unknown> }[] = [
  {
    type: 'tfplugin6.Diagnostic',
    message: {
      severity: 1,
      summary: 'Invalid Range',
      detail: 'Use ^1.2.0',
      attribute: {
        steps: [{ attribute_name: 'pack' }, { element_key_int: 3 }, { element_key_string: 'k' }],
      },
    },
  },
  {
    type: 'tfplugin6.GetProviderSchema.Response',
    message: {
      provider: { version: 1, block: { description: 'the provider' } },
      resource_schemas: {
        cordum_token: {
          version: 2,
          block: {
            attributes: [
              { name: 'id', type: Buffer.from('"string"'), computed: true, description_kind: 1 },
            ],
            block_types: [
              { type_name: 'pack', nesting: 2, min_items: 1, block: { description: 'a pack' } },
            ],
          },
        },
      },
      server_capabilities: { get_provider_schema_optional: true },
    },
  },
  {
    type: 'tfplugin6.PlanResourceChange.Request',
    message: {
      type_name: 'cordum_deployment',
      prior_state: { msgpack: Buffer.from([0xc0]) },
      proposed_new_state: { msgpack: Buffer.from([0x81, 0xa1, 0x61, 0xd4, 0, 0]) },
      prior_private: Buffer.from('private'),
      client_capabilities: { deferral_allowed: true },
    },
  },
  {
    type: 'tfplugin6.UpgradeResourceState.Request',
    message: {
      type_name: 'x',
      version: 1234567890123,
      raw_state: { json: Buffer.from('{}'), flatmap: { a: 'b', c: '' } },
    },
  },
  { type: 'plugin.ConnInfo', message: { service_id: 7, network: 'unix', knock: { ack: true } } },
  {
    // A oneof member at its default is still set: element 0 of a list, an empty map key.
    type: 'tfplugin6.Diagnostic',
    message: {
      severity: 1,
      summary: 'Invalid Pack',
      attribute: { steps: [{ attribute_name: 'pack' }, { element_key_int: 0 }] },
    },
  },
  {
    type: 'tfplugin6.AttributePath',
    message: { steps: [{ attribute_name: 'labels' }, { element_key_string: '' }] },
  },
];

describe('protobuf codec', () => {
  it.each(cases)('$type: the reference reads what we write', ({ type, message }) => {
    const ref = reference.lookupType(type);
    const decoded = ref.toObject(ref.decode(encodeMessage(ours.get(type)!, message)), TO_OBJECT);
    expect(decoded).toEqual(message);
  });

  it.each(cases)('$type: we read what the reference writes', ({ type, message }) => {
    const ref = reference.lookupType(type);
    const bytes = Buffer.from(ref.encode(ref.fromObject(message)).finish());
    expect(decodeMessage(ours.get(type)!, bytes)).toEqual(message);
  });

  it('skips fields it does not know (a newer Terraform)', () => {
    // field 99, varint 5; then field 1 (type_name) "t"
    const bytes = Buffer.from([0x98, 0x06, 0x05, 0x0a, 0x01, 0x74]);
    const type = ours.get('tfplugin6.ReadResource.Request')!;
    expect(decodeMessage(type, bytes)).toEqual({ type_name: 't' });
  });

  it('leaves proto3 defaults off the wire', () => {
    const type = ours.get('tfplugin6.Diagnostic')!;
    expect(encodeMessage(type, { severity: 0, summary: '', detail: '' }).length).toBe(0);
  });
});

describe('grpc framing and methods', () => {
  it('frames and unframes a message', () => {
    const body = Buffer.from('abc');
    expect([...frame(body).subarray(0, 5)]).toEqual([0, 0, 0, 0, 3]);
    expect(unframe(frame(body)).toString()).toBe('abc');
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 0]))).toThrow('compressed');
  });

  it('knows every method of the Provider and controller services', () => {
    const methods = loadMethods(descriptor);
    expect(methods.get('/tfplugin6.Provider/PlanResourceChange')?.request.name).toBe(
      'tfplugin6.PlanResourceChange.Request',
    );
    expect(methods.get('/plugin.GRPCController/Shutdown')?.unary).toBe(true);
    expect(methods.get('/plugin.GRPCBroker/StartStream')?.unary).toBe(false);
  });
});

describe('precompiled descriptor', () => {
  it('matches the .proto files (after editing them: node provider/proto/compile.mjs)', async () => {
    const compile = (await import(join(ROOT, 'provider', 'proto', 'compile.mjs'))) as {
      compileDescriptor: (dir: URL) => string;
    };
    const dir = new URL(`file://${join(ROOT, 'provider', 'proto')}/`);
    const kept = readFileSync(join(ROOT, 'provider', 'proto', 'descriptor.ts'), 'utf8');
    expect(compile.compileDescriptor(dir)).toBe(kept);
  });
});
