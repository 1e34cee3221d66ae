/**
 * The transparency logs around a mirrored version: before copying, the
 * version must be an entry of the source's log (when the source keeps one),
 * proved with an audit path checked here against a tree head signed by the
 * source's log key; after copying, the destination's own log entry for it
 * is proved the same way. A log's entries cannot be copied into another
 * log (each registry signs its own tree), so the mirror proves both.
 */
import { RegistryRequestError, type RegistryClient } from '../client/registry.js';
import { isPackError } from '../errors.js';
import { checkInclusion } from '../tlog/check.js';

/** The registry's log key (PEM), or undefined when it keeps no log. */
export async function logKeyOf(client: RegistryClient): Promise<string | undefined> {
  try {
    return (await client.logKey()).public_key;
  } catch (err) {
    if (err instanceof RegistryRequestError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * The index of `sha256`'s entry in the log, proved; null when the registry
 * keeps no log or the version predates it. A bad proof or signature throws.
 */
export async function provedIndex(client: RegistryClient, logKeyPem: string | undefined,
  sha256: string): Promise<number | null> {
  if (logKeyPem === undefined) return null;
  try {
    return (await checkInclusion(client, { sha256, logKeyPem })).index;
  } catch (err) {
    if (isPackError(err) && err.code === 'log_entry_missing') return null;
    throw err;
  }
}
