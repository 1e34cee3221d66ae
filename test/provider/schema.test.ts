import { describe, expect, it } from 'vitest';
import {
  impliedType,
  schemaToProto,
  SchemaError,
  type Attribute,
  type Block,
} from '../../provider/framework/schema.js';
import { types } from '../../provider/framework/types.js';

const attr = (a: Partial<Attribute>): Attribute => ({ type: 'string', description: 'd', ...a });

describe('attribute conversion', () => {
  const cases: { name: string; attribute: Attribute; expected: Record<string, unknown> }[] = [
    {
      name: 'required string',
      attribute: attr({ required: true }),
      expected: { name: 'x', required: true, type: '"string"' },
    },
    {
      name: 'optional computed number',
      attribute: attr({ type: 'number', optional: true, computed: true }),
      expected: { name: 'x', optional: true, computed: true, type: '"number"' },
    },
    {
      name: 'sensitive computed',
      attribute: attr({ computed: true, sensitive: true }),
      expected: { name: 'x', computed: true, sensitive: true, type: '"string"' },
    },
    {
      name: 'list of string',
      attribute: attr({ type: types.list('string'), optional: true }),
      expected: { name: 'x', optional: true, type: '["list","string"]' },
    },
    {
      name: 'map of number',
      attribute: attr({ type: types.map('number'), optional: true }),
      expected: { name: 'x', optional: true, type: '["map","number"]' },
    },
    {
      name: 'list of object',
      attribute: attr({ type: types.list(types.object({ a: 'bool' })), computed: true }),
      expected: { name: 'x', computed: true, type: '["list",["object",{"a":"bool"}]]' },
    },
  ];
  it.each(cases)('$name', ({ attribute, expected }) => {
    const proto = schemaToProto({ version: 0, block: { attributes: { x: attribute } } });
    const got = proto.block.attributes[0]!;
    expect({ ...got, type: got.type.toString() }).toEqual({
      description: 'd',
      description_kind: 1,
      ...expected,
    });
  });

  const invalid: { name: string; attribute: Attribute; message: string }[] = [
    {
      name: 'no mode',
      attribute: attr({}),
      message: 'schema.x: must be required, optional or computed',
    },
    {
      name: 'required and computed',
      attribute: attr({ required: true, computed: true }),
      message: 'schema.x: required cannot be optional or computed',
    },
    {
      name: 'stable but not computed',
      attribute: attr({ optional: true, stable: true }),
      message: 'schema.x: only a computed attribute can be stable',
    },
  ];
  it.each(invalid)('refuses $name, naming the attribute', ({ attribute, message }) => {
    const schema = { version: 0, block: { attributes: { x: attribute } } };
    expect(() => schemaToProto(schema)).toThrow(SchemaError);
    expect(() => schemaToProto(schema)).toThrow(message);
  });
});

describe('blocks', () => {
  const block: Block = {
    description: 'top',
    attributes: { b: attr({ required: true }), a: attr({ computed: true }) },
    blocks: {
      pack: {
        nesting: 'list',
        minItems: 1,
        block: { attributes: { id: attr({ required: true }) } },
      },
      settings: {
        nesting: 'single',
        block: { attributes: { on: attr({ type: 'bool', optional: true }) } },
      },
      tags: { nesting: 'set', maxItems: 3, block: { attributes: { k: attr({ required: true }) } } },
    },
  };

  it('sorts attributes and blocks and maps nesting modes', () => {
    const proto = schemaToProto({ version: 2, block });
    expect(proto.version).toBe(2);
    expect(proto.block.description).toBe('top');
    expect(proto.block.attributes.map((a) => a.name)).toEqual(['a', 'b']);
    expect(
      proto.block.block_types.map((b) => [b.type_name, b.nesting, b.min_items, b.max_items]),
    ).toEqual([
      ['pack', 2, 1, 0],
      ['settings', 1, 0, 0],
      ['tags', 3, 0, 3],
    ]);
    expect(proto.block.block_types[0]!.block.attributes[0]!.name).toBe('id');
  });

  it('gives the implied object type, nested blocks included', () => {
    expect(impliedType(block)).toEqual([
      'object',
      {
        b: 'string',
        a: 'string',
        pack: ['list', ['object', { id: 'string' }]],
        settings: ['object', { on: 'bool' }],
        tags: ['set', ['object', { k: 'string' }]],
      },
    ]);
  });

  it('refuses a name used for an attribute and a block', () => {
    const clash: Block = {
      attributes: { pack: attr({ optional: true }) },
      blocks: { pack: { nesting: 'list', block: { attributes: {} } } },
    };
    expect(() => schemaToProto({ version: 0, block: clash }, 'cordum_x')).toThrow(
      'cordum_x.pack: is both an attribute and a block',
    );
  });
});
