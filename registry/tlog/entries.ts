/**
 * What the transparency log records: one entry per publish, yank,
 * deprecation and key change. An entry is hashed as its canonical JSON, so
 * the same facts give the same leaf on any process or after a restore.
 */
export type LogEntryKind =
  | 'publish'
  | 'yank'
  | 'unyank'
  | 'deprecate'
  | 'key_add'
  | 'key_revoke'
  | 'key_restore'
  | 'key_remove';

export interface LogEntry {
  kind: LogEntryKind;
  /** When the change happened (RFC 3339). */
  at: string;
  pack_id?: string;
  version?: string;
  sha256?: string;
  key_id?: string;
  publisher?: string;
  /** A yank's or deprecation's message. */
  reason?: string | null;
}

/** Format version written into every entry. */
export const ENTRY_VERSION = 1;

export function publishEntry(p: { packId: string; version: string; sha256: string;
  keyId: string; publisher: string }, at: Date): LogEntry {
  return { kind: 'publish', at: at.toISOString(), pack_id: p.packId, version: p.version,
    sha256: p.sha256, key_id: p.keyId, publisher: p.publisher };
}

export function yankEntry(p: { packId: string; version: string; sha256: string },
  yanked: boolean, reason: string | null, at: Date): LogEntry {
  return { kind: yanked ? 'yank' : 'unyank', at: at.toISOString(), pack_id: p.packId,
    version: p.version, sha256: p.sha256, reason: yanked ? reason : null };
}

export function keyEntry(kind: 'key_add' | 'key_revoke' | 'key_restore' | 'key_remove',
  key: { keyId: string; publisher: string }, at: Date): LogEntry {
  return { kind, at: at.toISOString(), key_id: key.keyId, publisher: key.publisher };
}
