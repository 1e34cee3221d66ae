/**
 * A policy request to simulate, read from a JSON body (the field names of
 * Cordum's `policySimulations`) or from the "Try the policy" form. Both
 * are checked field by field; a wrong type is `request_invalid` naming it.
 */
import type { PolicyRequest } from '../../../packs/policy/types.js';
import { RegistryError } from '../../errors.js';

const STRING_FIELDS = ['tenantId', 'topic', 'capability', 'packId', 'actorId',
  'actorType'] as const;
const LIST_FIELDS = ['riskTags', 'requires'] as const;
const MCP_FIELDS = ['server', 'tool', 'resource', 'action'] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, ...LIST_FIELDS, 'labels', 'secretsPresent',
  'mcp']);
const MAX_TEXT = 512;
const MAX_ITEMS = 64;

function invalid(field: string, expected: string): RegistryError {
  return new RegistryError('request_invalid', `\`${field}\` must be ${expected}`);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    throw invalid(field, `a string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function list(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) {
    throw invalid(field, `an array of at most ${MAX_ITEMS} strings`);
  }
  return value.map((v, i) => text(v, `${field}[${i}]`));
}

function labels(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('labels', 'an object of strings');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ITEMS) throw invalid('labels', `at most ${MAX_ITEMS} labels`);
  return Object.fromEntries(entries.map(([k, v]) => [k, text(v, `labels.${k}`)]));
}

function mcp(value: unknown): NonNullable<PolicyRequest['mcp']> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('mcp', 'an object with server, tool, resource or action');
  }
  const out: NonNullable<PolicyRequest['mcp']> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = MCP_FIELDS.find((f) => f === key);
    if (!field) throw new RegistryError('request_invalid', `unknown field \`mcp.${key}\``);
    out[field] = text(v, `mcp.${key}`);
  }
  return out;
}

/** A request from a JSON object; unknown fields are refused, not ignored. */
export function policyRequestFromJson(body: Record<string, unknown>): PolicyRequest {
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key)) {
      throw new RegistryError('request_invalid', `unknown field \`${key}\`; expected one of ` +
        `${[...KNOWN].join(', ')}`);
    }
  }
  const request: PolicyRequest = {};
  for (const field of STRING_FIELDS) {
    if (body[field] !== undefined) request[field] = text(body[field], field);
  }
  for (const field of LIST_FIELDS) {
    if (body[field] !== undefined) request[field] = list(body[field], field);
  }
  if (body.labels !== undefined) request.labels = labels(body.labels);
  if (body.secretsPresent !== undefined) {
    if (typeof body.secretsPresent !== 'boolean') throw invalid('secretsPresent', 'a boolean');
    request.secretsPresent = body.secretsPresent;
  }
  if (body.mcp !== undefined) request.mcp = mcp(body.mcp);
  return request;
}

type QueryValue = string | string[] | undefined;

function all(value: QueryValue): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().slice(0, MAX_TEXT))
    .filter((v) => v.length > 0)
    .slice(0, MAX_ITEMS);
}

function first(value: QueryValue): string | undefined {
  return all(value)[0];
}

/** The form's fields (names as in `SIMULATION_FIELDS`), lenient: blanks are absent. */
export function policyRequestFromForm(params: Record<string, QueryValue>): PolicyRequest {
  const request: PolicyRequest = {};
  const set = (field: (typeof STRING_FIELDS)[number], value: string | undefined) => {
    if (value !== undefined) request[field] = value;
  };
  set('tenantId', first(params.tenant));
  set('topic', first(params.topic));
  set('capability', first(params.capability));
  set('actorId', first(params.actor_id));
  set('actorType', first(params.actor_type));
  const risk = all(params.risk);
  const requires = all(params.requires);
  if (risk.length > 0) request.riskTags = [...new Set(risk)];
  if (requires.length > 0) request.requires = [...new Set(requires)];
  const pairs = all(params.labels).map((p) => p.split('=')).filter((p) => p.length === 2);
  if (pairs.length > 0) {
    request.labels = Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.trim()]));
  }
  if (first(params.secrets) === '1') request.secretsPresent = true;
  return request;
}
