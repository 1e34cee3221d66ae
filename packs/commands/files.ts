import { readFileSync } from 'node:fs';
import { PackError } from '../errors.js';

/** Reads a file a command was given, or fails naming it. */
export function readOrFail(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new PackError('file_missing', `${what} ${path}: cannot be read`, { cause: err });
  }
}
