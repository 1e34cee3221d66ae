/**
 * The statements of the engine's journal (engine/journal.ts): a run's first
 * write as a line of COPY text, later writes as one statement of three
 * upserts from JSON arrays, and which refusals are a row's own doing.
 */
import { COPY_NULL, copyField, copyJson } from '../storage/copy_text.js';

type JournalRow = Record<string, unknown>;

export const RUN_COLUMNS = [
  'id', 'workflow_id', 'tenant_id', 'status', 'input', 'error', 'snapshot_hash',
  'active_ms', 'resumed_at', 'created_at', 'started_at', 'updated_at', 'finished_at',
  'cancel_requested', 'lease_owner', 'lease_until', 'events', 'steps', 'workflow_hash',
  'idempotency_key',
];
// The columns of RUN_COLUMNS that hold JSON documents.
const RUN_JSON = RUN_COLUMNS.map((c) => ['input', 'error', 'events', 'steps'].includes(c));
// A run's `input` may be JSON null, which its NOT NULL json column keeps as 'null'.
const NOT_NULL_JSON = ['input'];

/** A run's first write as a line for COPY. */
export function copyLine(row: JournalRow): string {
  let line = '';
  for (let i = 0; i < RUN_COLUMNS.length; i++) {
    const value = row[RUN_COLUMNS[i]!];
    let field: string;
    if (value === undefined || value === null) {
      field = NOT_NULL_JSON.includes(RUN_COLUMNS[i]!) ? 'null' : COPY_NULL;
    } else if (RUN_JSON[i]) {
      field = copyJson(value);
    } else {
      // Numbers and booleans have nothing to escape.
      field = typeof value === 'string' ? copyField(value) : String(value);
    }
    line += i === 0 ? field : `\t${field}`;
  }
  return `${line}\n`;
}

// What a later write of a run may change; `cancel_requested` is set by other processes.
const RUN_MUTABLE = [
  'status', 'error', 'active_ms', 'resumed_at', 'started_at', 'updated_at', 'finished_at',
  'lease_owner', 'lease_until', 'events', 'steps',
];

/**
 * A column's new value on conflict. A run's `events` and `steps` are only
 * ever sent with its first write; a first write sent again (its answer was
 * lost) carries them all again, and every later write sends none, keeping
 * what is there.
 */
function setFrom(table: string, column: string): string {
  if (column === 'events' || column === 'steps') {
    return `COALESCE(EXCLUDED.${column}, ${table}.${column})`;
  }
  return `EXCLUDED.${column}`;
}
const STEP_COLUMNS = [
  'run_id', 'step_id', 'position', 'type', 'status', 'skipped', 'input', 'output', 'error',
  'decision', 'job', 'attempts', 'started_at', 'finished_at', 'parent_id', 'item_index',
  'wake_at',
];
const STEP_MUTABLE = STEP_COLUMNS.slice(4);
const TIMELINE_COLUMNS = ['run_id', 'events'];

/** `INSERT ... SELECT` from a JSON array of rows (each row's columns by name). */
function insertFrom(table: string, columns: string[], param: string, notNullJson: string[] = []) {
  const picked = columns.map((c) => (notNullJson.includes(c) ? `COALESCE(${c}, 'null')` : c));
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${picked.join(', ')} ` +
    `FROM json_populate_recordset(NULL::${table}, ${param}::json)`
  );
}

function upsert(table: string, columns: string[], key: string[], mutable: string[],
  param: string, notNullJson: string[] = []) {
  const sets = mutable.map((c) => `${c} = ${setFrom(table, c)}`).join(', ');
  return `${insertFrom(table, columns, param, notNullJson)} ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${sets}`;
}

// Every part runs to completion whether or not the outer query reads it.
export const JOURNAL_WRITE = `WITH
  journal_workflows AS (${insertFrom('engine_workflows', ['hash', 'workflow'], '$4')}
    ON CONFLICT (hash) DO NOTHING RETURNING 1),
  journal_runs AS (${upsert('engine_runs', RUN_COLUMNS, ['id'], RUN_MUTABLE, '$1',
    NOT_NULL_JSON)} RETURNING 1),
  journal_steps AS (${upsert('engine_steps', STEP_COLUMNS, ['run_id', 'step_id'], STEP_MUTABLE,
    '$2')} RETURNING 1)
${insertFrom('engine_timeline', TIMELINE_COLUMNS, '$3')}`;

/**
 * Whether the database refused a write for what its rows hold: bad data
 * (SQLSTATE class 22), a broken constraint (23) or a limit passed (54),
 * which the same rows meet again on every retry.
 */
export function refusesItsRows(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

