/**
 * A small protobuf (proto3) codec driven by the descriptor that
 * provider/proto/compile.mjs writes: plain objects with the protocol's
 * snake_case names in and out, absent fields left out, int64 as numbers,
 * enums as numbers, bytes as Buffers. It knows the scalar types our .proto
 * files use and refuses others at load, so start-up does not pay for a
 * general protobuf library.
 */
export type Message = Record<string, unknown>;

interface FieldJson {
  type: string;
  id: number;
  rule?: string;
  keyType?: string;
}

interface NamespaceJson {
  fields?: Record<string, FieldJson>;
  values?: Record<string, number>;
  nested?: Record<string, NamespaceJson>;
  methods?: Record<string, unknown>;
  oneofs?: Record<string, { oneof?: string[] }>;
}

type Scalar = 'string' | 'bytes' | 'bool' | 'int64' | 'uint32' | 'int32' | 'uint64';
const SCALARS = new Set<string>(['string', 'bytes', 'bool', 'int64', 'uint32', 'int32', 'uint64']);

interface Field {
  name: string;
  id: number;
  repeated: boolean;
  /** A scalar, 'enum', or a message type. */
  kind: Scalar | 'enum' | MessageType;
  /** For map fields: the value kind (keys are strings). */
  mapValue?: Scalar | 'enum' | MessageType;
  /**
   * A member of a oneof (or a proto3 `optional`): set means sent, even at its
   * default, since which member is set is itself the value (an attribute
   * path's `element_key_int: 0` is the first element, not nothing).
   */
  present?: boolean;
}

export interface MessageType {
  name: string;
  fields: Field[];
  byId: Map<number, Field>;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

// ---------------------------------------------------------------- loading

function collect(ns: NamespaceJson, path: string[], out: Map<string, NamespaceJson>) {
  for (const [name, child] of Object.entries(ns.nested ?? {})) {
    const full = [...path, name];
    out.set(full.join('.'), child);
    collect(child, full, out);
  }
}

/** Message types by full name (`tfplugin6.Schema.Block`). */
export function loadTypes(descriptor: unknown): Map<string, MessageType> {
  const all = new Map<string, NamespaceJson>();
  collect(descriptor as NamespaceJson, [], all);
  const types = new Map<string, MessageType>();
  for (const [name, ns] of all) {
    if (ns.fields) types.set(name, { name, fields: [], byId: new Map() });
  }
  // Scope lookup as protobuf does it: innermost enclosing namespace first.
  const resolve = (scope: string, ref: string): Scalar | 'enum' | MessageType => {
    if (SCALARS.has(ref)) return ref as Scalar;
    const parts = scope.split('.');
    for (let i = parts.length; i >= 0; i -= 1) {
      const candidate = [...parts.slice(0, i), ref].join('.');
      const found = all.get(candidate);
      if (found?.values) return 'enum';
      const message = types.get(candidate);
      if (message) return message;
    }
    throw new Error(`protobuf: ${scope} refers to unknown type ${ref}`);
  };
  for (const [name, type] of types) {
    const ns = all.get(name);
    const inOneof = new Set(Object.values(ns?.oneofs ?? {}).flatMap((o) => o.oneof ?? []));
    for (const [fieldName, f] of Object.entries(ns?.fields ?? {})) {
      const field: Field = {
        name: fieldName,
        id: f.id,
        repeated: f.rule === 'repeated',
        kind: 'string',
      };
      if (inOneof.has(fieldName)) field.present = true;
      if (f.keyType !== undefined) {
        if (f.keyType !== 'string')
          throw new Error(`protobuf: ${name}.${fieldName}: map keys must be strings`);
        field.repeated = true;
        field.mapValue = resolve(name, f.type);
      } else {
        field.kind = resolve(name, f.type);
      }
      type.fields.push(field);
      type.byId.set(f.id, field);
    }
    type.fields.sort((a, b) => a.id - b.id);
  }
  return types;
}

// ---------------------------------------------------------------- encoding

class Writer {
  private chunks: Buffer[] = [];
  private length = 0;

  private push(b: Buffer) {
    this.chunks.push(b);
    this.length += b.length;
  }

  varint(value: number) {
    const bytes: number[] = [];
    let v = value < 0 ? 2 ** 64 + value : value;
    while (v >= 0x80) {
      bytes.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.push(Buffer.from(bytes));
  }

  tag(id: number, wire: number) {
    this.varint(id * 8 + wire);
  }

  bytes(b: Buffer) {
    this.varint(b.length);
    this.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function isDefault(kind: Field['kind'], value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof kind === 'object') return false;
  if (kind === 'string') return value === '';
  if (kind === 'bool') return value === false;
  if (kind === 'bytes') return (value as Uint8Array).length === 0;
  return Number(value) === 0;
}

function writeValue(w: Writer, id: number, kind: Field['kind'], value: unknown) {
  if (typeof kind === 'object') {
    w.tag(id, LENGTH);
    w.bytes(encodeMessage(kind, value as Message));
  } else if (kind === 'string') {
    w.tag(id, LENGTH);
    w.bytes(Buffer.from(String(value), 'utf8'));
  } else if (kind === 'bytes') {
    w.tag(id, LENGTH);
    w.bytes(Buffer.from(value as Uint8Array));
  } else if (kind === 'bool') {
    w.tag(id, VARINT);
    w.varint(value ? 1 : 0);
  } else {
    w.tag(id, VARINT);
    w.varint(Number(value));
  }
}

export function encodeMessage(type: MessageType, message: Message): Buffer {
  const w = new Writer();
  for (const field of type.fields) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field.mapValue !== undefined) {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const entry = new Writer();
        writeValue(entry, 1, 'string', key);
        writeValue(entry, 2, field.mapValue, v);
        w.tag(field.id, LENGTH);
        w.bytes(entry.finish());
      }
    } else if (field.repeated) {
      for (const v of value as unknown[]) writeValue(w, field.id, field.kind, v);
    } else if (field.present || !isDefault(field.kind, value)) {
      writeValue(w, field.id, field.kind, value);
    }
  }
  return w.finish();
}

// ---------------------------------------------------------------- decoding

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i += 1) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new Error('protobuf: truncated varint');
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result >= 2 ** 63 ? result - 2 ** 64 : result;
      scale *= 128;
    }
    throw new Error('protobuf: varint too long');
  }

  bytes(): Buffer {
    const length = this.varint();
    if (this.pos + length > this.buf.length) throw new Error('protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wire: number) {
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.pos += 8;
    else if (wire === LENGTH) this.bytes();
    else if (wire === FIXED32) this.pos += 4;
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
}

function readValue(r: Reader, kind: Field['kind'], wire: number): unknown {
  if (typeof kind === 'object') return decodeMessage(kind, r.bytes());
  if (kind === 'string') return r.bytes().toString('utf8');
  if (kind === 'bytes') return Buffer.from(r.bytes());
  if (wire !== VARINT) throw new Error(`protobuf: expected a varint for ${kind}`);
  const n = r.varint();
  return kind === 'bool' ? n !== 0 : n;
}

function readMapEntry(bytes: Buffer, valueKind: Field['kind']): [string, unknown] {
  const r = new Reader(bytes);
  let key = '';
  let value: unknown = typeof valueKind === 'object' ? {} : undefined;
  while (!r.done) {
    const tag = r.varint();
    const wire = tag & 7;
    if (tag >>> 3 === 1) key = r.bytes().toString('utf8');
    else if (tag >>> 3 === 2) value = readValue(r, valueKind, wire);
    else r.skip(wire);
  }
  return [key, value];
}

export function decodeMessage(type: MessageType, bytes: Buffer): Message {
  const r = new Reader(bytes);
  const out: Message = {};
  while (!r.done) {
    const tag = r.varint();
    const wire = tag & 7;
    const field = type.byId.get(Math.floor(tag / 8));
    // Fields this side does not know are skipped, as protobuf requires.
    if (!field) {
      r.skip(wire);
      continue;
    }
    if (field.mapValue !== undefined) {
      const [key, value] = readMapEntry(r.bytes(), field.mapValue);
      const map = (out[field.name] ?? {}) as Record<string, unknown>;
      map[key] = value;
      out[field.name] = map;
    } else if (field.repeated) {
      const list = (out[field.name] ?? []) as unknown[];
      if (
        wire === LENGTH &&
        typeof field.kind === 'string' &&
        field.kind !== 'string' &&
        field.kind !== 'bytes'
      ) {
        // Packed scalars.
        const packed = new Reader(r.bytes());
        while (!packed.done) list.push(readValue(packed, field.kind, VARINT));
      } else {
        list.push(readValue(r, field.kind, wire));
      }
      out[field.name] = list;
    } else {
      out[field.name] = readValue(r, field.kind, wire);
    }
  }
  return out;
}
