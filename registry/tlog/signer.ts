/**
 * The key that signs the log's tree heads (and backup archives): ECDSA
 * P-256, given as PEM (env `CORDUM_LOG_KEY` or the file named by
 * `CORDUM_LOG_KEY_FILE`), else kept in `<data>/log-key.pem` and made on
 * first start. Every process serving one database must use the same key.
 */
import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync,
  type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf } from '../../packs/signing/keys.js';
import { RegistryError } from '../errors.js';
import { makeFolders } from '../../packs/folders.js';

export interface LogSigner {
  keyId: string;
  publicPem: string;
  /** Names the log in every tree head. */
  origin: string;
  /** Base64 DER ECDSA-SHA256 signature of `data`. */
  sign(data: string | Buffer): string;
}

export interface LogKeySource {
  dataDir: string;
  /** The private key as PEM text. */
  pem?: string;
  /** A file holding the private key. */
  keyFile?: string;
  origin?: string;
}

export const LOG_KEY_FILE = 'log-key.pem';

function errnoOf(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
}

/** The PEM in `path`, made (mode 0600, never overwritten) when absent. */
function keyInDataDir(dataDir: string): string {
  const path = join(dataDir, LOG_KEY_FILE);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
  makeFolders(dataDir);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (err) {
    // Another process sharing the folder made it first: use theirs.
    if (errnoOf(err) === 'EEXIST') return readFileSync(path, 'utf8');
    throw err;
  }
}

function privateKeyOf(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new RegistryError('key_invalid', 'the log key is not a PEM private key', { cause: err });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new RegistryError('key_invalid', 'the log key must be an ECDSA P-256 key');
  }
  return key;
}

export function signerFromPem(pem: string, origin?: string): LogSigner {
  const key = privateKeyOf(pem);
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const keyId = keyIdOf(publicPem);
  return {
    keyId,
    publicPem,
    origin: origin ?? `cordum-registry/${keyId.slice(0, 16)}`,
    sign: (data) => createSign('sha256').update(data).sign(key).toString('base64'),
  };
}

export function loadLogSigner(source: LogKeySource): LogSigner {
  const pem = source.pem
    ?? (source.keyFile ? readFileSync(source.keyFile, 'utf8') : keyInDataDir(source.dataDir));
  return signerFromPem(pem, source.origin);
}

/** The key source a process was started with (env first, then the data folder). */
export function logKeySourceFromEnv(dataDir: string, env = process.env): LogKeySource {
  const source: LogKeySource = { dataDir };
  if (env.CORDUM_LOG_KEY) source.pem = env.CORDUM_LOG_KEY;
  if (env.CORDUM_LOG_KEY_FILE) source.keyFile = env.CORDUM_LOG_KEY_FILE;
  if (env.CORDUM_LOG_ORIGIN) source.origin = env.CORDUM_LOG_ORIGIN;
  return source;
}
