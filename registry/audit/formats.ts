/**
 * Audit records as a SIEM takes them: JSON lines, CSV (RFC 4180) and
 * ArcSight CEF. Each format escapes what its own syntax needs, so no value
 * from a request can forge a field or a record.
 */
import type { AuditRecord } from './store.js';

export type AuditFormat = 'jsonl' | 'csv' | 'cef';

export const AUDIT_FORMATS: readonly AuditFormat[] = ['jsonl', 'csv', 'cef'];

export const AUDIT_MEDIA_TYPES: Record<AuditFormat, string> = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
  cef: 'text/plain; charset=utf-8',
};

const COLUMNS: (keyof AuditRecord)[] = ['at', 'request_id', 'actor', 'publisher', 'action',
  'target', 'result', 'status', 'code', 'address', 'method', 'path'];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ makes spreadsheets run a formula: prefix a quote.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function cefHeader(text: string): string {
  return text.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

function cefValue(text: string): string {
  return text.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, '\\n');
}

const SEVERITY: Record<AuditRecord['result'], number> = { ok: 3, denied: 7, failed: 5 };

function cefLine(r: AuditRecord, version: string): string {
  const ext: [string, string | number | null][] = [
    ['rt', Date.parse(r.at)], ['act', r.action], ['outcome', r.result],
    ['suser', r.actor], ['suid', r.publisher], ['src', r.address],
    ['requestMethod', r.method], ['request', r.path], ['cs1Label', 'target'],
    ['cs1', r.target], ['cs2Label', 'requestId'], ['cs2', r.request_id],
    ['cn1Label', 'status'], ['cn1', r.status], ['cs3Label', 'code'], ['cs3', r.code],
  ];
  const extension = ext.filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${cefValue(String(v))}`).join(' ');
  const head = ['CEF:0', 'Cordum', 'Registry', version, r.action, `${r.action} ${r.result}`,
    String(SEVERITY[r.result])].map((f, i) => (i === 0 ? f : cefHeader(f)));
  return `${head.join('|')}|${extension}`;
}

export function formatAudit(records: AuditRecord[], format: AuditFormat,
  version = '0.1.0'): string {
  if (format === 'jsonl') return records.map((r) => `${JSON.stringify(r)}\n`).join('');
  if (format === 'csv') {
    const lines = [COLUMNS.join(','), ...records.map((r) => COLUMNS.map((c) => csvCell(r[c]))
      .join(','))];
    return `${lines.join('\r\n')}\r\n`;
  }
  return records.map((r) => `${cefLine(r, version)}\n`).join('');
}
