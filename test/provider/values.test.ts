import { describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { types, type TfType } from '../../provider/framework/types.js';
import {
  conform,
  decodeJson,
  decodeMsgpack,
  deepEqual,
  encodeMsgpack,
  isWhollyKnown,
  UNKNOWN,
  type Value,
} from '../../provider/framework/values.js';

const objectType = types.object({ name: 'string', size: 'number', tags: types.list('string') });

const roundTrips: { name: string; type: TfType; value: Value }[] = [
  { name: 'string', type: 'string', value: 'hello' },
  { name: 'empty string', type: 'string', value: '' },
  { name: 'integer', type: 'number', value: 42 },
  { name: 'negative float', type: 'number', value: -1.5 },
  { name: 'bool', type: 'bool', value: false },
  { name: 'null', type: 'string', value: null },
  { name: 'unknown string', type: 'string', value: UNKNOWN },
  { name: 'list with unknown element', type: types.list('string'), value: ['a', UNKNOWN] },
  { name: 'set of numbers', type: types.set('number'), value: [1, 2, 3] },
  { name: 'map', type: types.map('string'), value: { a: 'x', b: UNKNOWN } },
  { name: 'object', type: objectType, value: { name: 'p', size: 1, tags: ['t'] } },
  {
    name: 'object with unknown list',
    type: objectType,
    value: { name: 'p', size: 2, tags: UNKNOWN },
  },
  { name: 'unknown object', type: objectType, value: UNKNOWN },
];

describe('msgpack values', () => {
  it.each(roundTrips)('round-trips $name', ({ type, value }) => {
    const bytes = encodeMsgpack(type, value);
    expect(decodeMsgpack(type, bytes)).toEqual(value);
  });

  it('writes unknown as extension type 0 (fixext1)', () => {
    expect([...encodeMsgpack('string', UNKNOWN)]).toEqual([0xd4, 0x00, 0x00]);
  });

  it('reads extension type 12 (a refined unknown) as unknown', () => {
    // fixext1 type 12 with a one-byte refinement payload, inside a list
    const bytes = Uint8Array.from([0x92, 0xa1, 0x61, 0xd4, 0x0c, 0x80]);
    expect(decodeMsgpack(types.list('string'), bytes)).toEqual(['a', UNKNOWN]);
  });

  it('fills object attributes the encoder was not given with null', () => {
    const bytes = encodeMsgpack(objectType, { name: 'only' });
    expect(decodeMsgpack(objectType, bytes)).toEqual({ name: 'only', size: null, tags: null });
  });

  it('reads numbers that cty wrote as decimal strings', () => {
    expect(decodeMsgpack('number', encode('12345678901234567890'))).toBe(12345678901234567890);
  });

  it('reads JSON state', () => {
    const json = Buffer.from(JSON.stringify({ name: 'n', size: 3, tags: [] }));
    expect(decodeJson(objectType, json)).toEqual({ name: 'n', size: 3, tags: [] });
  });
});

describe('conform', () => {
  const bad: { name: string; type: TfType; value: unknown; message: string }[] = [
    { name: 'number for string', type: 'string', value: 3, message: 'value: expected string' },
    { name: 'string for bool', type: 'bool', value: 'yes', message: 'expected bool' },
    {
      name: 'wrong element',
      type: types.list('number'),
      value: [1, 'x'],
      message: '1: expected number',
    },
    {
      name: 'nested attribute',
      type: objectType,
      value: { name: 'n', size: 'big' },
      message: 'size: expected number',
    },
    { name: 'scalar for object', type: objectType, value: 'x', message: 'expected object' },
  ];
  it.each(bad)('refuses $name, naming the path', ({ type, value, message }) => {
    expect(() => conform(type, value)).toThrow(message);
  });
});

describe('helpers', () => {
  it.each([
    { value: { a: ['x', { b: UNKNOWN }] } as Value, known: false },
    { value: { a: ['x', { b: null }] } as Value, known: true },
    { value: UNKNOWN as Value, known: false },
  ])('isWhollyKnown($value) is $known', ({ value, known }) => {
    expect(isWhollyKnown(value)).toBe(known);
  });

  it('compares missing object attributes as null', () => {
    expect(deepEqual({ a: 1, b: null }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(deepEqual([UNKNOWN], [UNKNOWN])).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
  });
});
