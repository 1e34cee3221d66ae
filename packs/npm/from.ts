/**
 * `--from npm:URL` for `cordum pack install`: the npm registry to read
 * packs from, and the keys to trust, from `--key PUB...` or else from the
 * Cordum registry named by `--registry` (its registered keys).
 */
import { registryFrom, type RegistryFlags } from '../../cli/output.js';
import { RegistryClient } from '../client/registry.js';
import { PackError } from '../errors.js';
import type { InstallRegistry } from '../install.js';
import { NpmClient } from './client.js';
import { NpmInstallSource } from './source.js';
import { keysFromFiles, type TrustedKeys } from './trust.js';

export interface FromFlags extends RegistryFlags {
  key?: string[];
  fromToken?: string;
}

/** `npm:http://host/path/` → `http://host/path/`. */
export function npmUrlOf(source: string, flag: string): string {
  if (!source.startsWith('npm:')) {
    throw new PackError('usage', `${flag} ${source}: expected npm:URL, e.g. ` +
      'npm:http://127.0.0.1:4873/');
  }
  const url = source.slice('npm:'.length);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    // Quoted: `--to npm:` read "--to npm::  is not an http(s) URL".
    throw new PackError('usage', `${flag} ${source}: "${url}" after npm: is not an http(s) ` +
      'URL, e.g. npm:http://127.0.0.1:4873/');
  }
  return url;
}

function trustFrom(flags: FromFlags): TrustedKeys {
  if (flags.key && flags.key.length > 0) return keysFromFiles(flags.key);
  if (!flags.registry && !process.env.CORDUM_REGISTRY) {
    throw new PackError('usage', 'an npm source needs keys to trust: pass --key PUB, or ' +
      '--registry URL to trust the keys registered there');
  }
  const client = new RegistryClient(registryFrom(flags));
  return { describe: `keys of ${client.url}`, getKey: (keyId) => client.getKey(keyId) };
}

export function npmSourceFrom(source: string, flags: FromFlags): InstallRegistry {
  const url = npmUrlOf(source, '--from');
  const token = flags.fromToken ?? process.env.CORDUM_NPM_TOKEN;
  const client = new NpmClient(token ? { url, token } : { url });
  return new NpmInstallSource(client, trustFrom(flags));
}
