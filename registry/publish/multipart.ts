/**
 * The publish form: `multipart/form-data` with a `tarball` part and a
 * `bundle` part (files or fields), plus an optional `publisher` field. Each
 * part has its own size cap, enforced while streaming; the parts are held in
 * memory, so a refused upload leaves no file behind.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { RegistryError } from '../errors.js';
import { checkDeclaredLength, tooLarge } from '../body.js';
import type { UploadLimits } from '../deps.js';

export interface PublishForm {
  tarball: Buffer;
  bundle: Buffer;
  publisher?: string;
  /** The id and version the client means to publish; the tarball must agree. */
  id?: string;
  version?: string;
}

const FIELDS = new Set(['publisher', 'id', 'version']);

const PARTS = ['tarball', 'bundle'] as const;
type PartName = (typeof PARTS)[number];

// Room for the multipart boundaries and part headers around the two parts.
const ENVELOPE_BYTES = 64 * 1024;

function isPart(name: string): name is PartName {
  return (PARTS as readonly string[]).includes(name);
}

function partLimit(limits: UploadLimits, name: PartName): number {
  return name === 'tarball' ? limits.tarballBytes : limits.bundleBytes;
}

/** Collects one file part, failing as soon as it passes `max` bytes. */
function collect(stream: Readable, name: string, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        stream.removeAllListeners('data');
        stream.resume();
        reject(tooLarge(`the ${name} part`, max));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function multipartError(message: string, cause?: unknown): RegistryError {
  return new RegistryError('multipart_invalid', message, { cause });
}

interface Collected {
  parts: Map<PartName, Promise<Buffer>>;
  fields: Map<string, string>;
}

/** Wires busboy's events: every part and field is checked as it arrives. */
function listen(
  bb: busboy.Busboy,
  limits: UploadLimits,
  into: Collected,
  fail: (err: RegistryError) => void,
): void {
  const { parts, fields } = into;
  bb.on('file', (name, stream) => {
    if (!isPart(name) || parts.has(name)) {
      stream.resume();
      fail(multipartError(`unexpected or repeated file part ${JSON.stringify(name)}`));
      return;
    }
    const part = collect(stream, name, partLimit(limits, name));
    part.catch(fail);
    parts.set(name, part);
  });
  bb.on('field', (name, value, info) => {
    if (info.valueTruncated) fail(tooLarge(`the ${name} field`, limits.bundleBytes));
    else if (isPart(name) && !parts.has(name)) parts.set(name, Promise.resolve(Buffer.from(value)));
    else if (FIELDS.has(name) && !fields.has(name)) fields.set(name, value);
    else fail(multipartError(`unexpected or repeated field ${JSON.stringify(name)}`));
  });
  bb.on('filesLimit', () => fail(multipartError('the form has more than three files')));
  bb.on('fieldsLimit', () => fail(multipartError('the form has too many fields')));
  bb.on('partsLimit', () => fail(multipartError('the form has too many parts')));
  bb.on('error', (err) => fail(multipartError(`cannot read the form: ${String(err)}`, err)));
}

/** Streams `req` through busboy; resolves once the whole form is read. */
function parse(req: IncomingMessage, limits: UploadLimits, into: Collected): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // Room for a third file, so a part given twice is refused by its name (busboy drops
      // a file past the limit without telling which it was); no third file is ever kept.
      bb = busboy({
        headers: req.headers,
        limits: { files: 3, fields: 6, parts: 8, fieldSize: limits.bundleBytes },
      });
    } catch (err) {
      reject(multipartError(`cannot read the form: ${(err as Error).message}`, err));
      return;
    }
    // Stop parsing at the first refusal. The rest of the body is read and dropped,
    // not stored: closing the socket instead would make clients see EPIPE, not
    // the 413. The server's request timeout bounds how long that may take.
    const fail = (err: RegistryError) => {
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    listen(bb, limits, into, fail);
    bb.on('close', () => resolve());
    req.on('error', (err) => reject(multipartError('the upload was interrupted', err)));
    req.pipe(bb);
  });
}

/** Parses the publish form from `req`, or throws the first limit it breaks. */
export async function readPublishForm(
  req: IncomingMessage,
  limits: UploadLimits,
): Promise<PublishForm> {
  checkDeclaredLength(req, limits.tarballBytes + limits.bundleBytes + ENVELOPE_BYTES, 'the form');
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw new RegistryError('unsupported_media_type', `expected multipart/form-data, got ${type}`);
  }

  const into: Collected = { parts: new Map(), fields: new Map() };
  await parse(req, limits, into);
  const tarball = await into.parts.get('tarball');
  const bundle = await into.parts.get('bundle');
  if (!tarball) throw new RegistryError('part_missing', 'the form has no `tarball` part');
  if (!bundle) throw new RegistryError('part_missing', 'the form has no `bundle` part');

  const form: PublishForm = { tarball, bundle };
  for (const name of ['publisher', 'id', 'version'] as const) {
    const value = into.fields.get(name);
    if (value !== undefined) form[name] = value;
  }
  return form;
}
