/**
 * Small builders for the OpenAPI document: each route file's part lists
 * its operations with `op`, which adds the problem answers every route of
 * that kind can give (auth, limits, unavailable database), so a part only
 * states what is particular to it.
 */
import { problem } from '../problem.js';
import type { Scope } from '../store/tokens.js';

export type Schema = Record<string, unknown>;

export interface OpenApiPart {
  /** Keyed by OpenAPI path (`/v1/packs/{id}`), then lower-case method. */
  paths: Record<string, Record<string, Operation>>;
  schemas?: Record<string, Schema>;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: object[];
  requestBody?: object;
  responses: Record<string, object>;
}

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const JSON_TYPE = 'application/json';
export const PROBLEM_TYPE = 'application/problem+json';

type Auth = 'none' | 'read' | 'scope';

export interface OpSpec {
  id: string;
  summary: string;
  tag: string;
  auth: Auth;
  /** The token scope a `scope` route needs (stated as the bearer scheme's role). */
  scope?: Scope;
  /** Longer prose than the summary, for the API reference. */
  description?: string;
  /** Problem codes particular to this operation; their statuses are added to `errors`. */
  codes?: string[];
  /** Path parameter names; each may also be refused with 404. */
  params?: string[];
  query?: { name: string; schema: Schema; required?: boolean }[];
  body?: { type: string; schema: Schema };
  /** Success answers: status → media type → schema (no media type: no body). */
  ok: Record<number, Record<string, Schema> | null>;
  /** Error statuses particular to this operation. */
  errors?: number[];
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request', 401: 'No valid token', 403: 'Not allowed',
  404: 'Not found', 405: 'Method not allowed', 408: 'Request timeout',
  409: 'Conflict', 412: 'Exists already (If-None-Match: *)', 413: 'Too large',
  415: 'Unsupported media type',
  422: 'Refused content', 429: 'Rate limited (see Retry-After)',
  500: 'Internal error', 503: 'Database unavailable (see Retry-After)',
};

/** Codes any route answering the status may give (registry/problem.ts, hardening). */
const COMMON_CODES: Record<number, string[]> = {
  400: ['request_invalid'], 401: ['unauthorized', 'token_invalid'], 403: ['forbidden'],
  405: ['method_not_allowed'], 413: ['payload_too_large'], 415: ['unsupported_media_type'],
  429: ['rate_limited'], 500: ['internal'], 503: ['service_unavailable'],
};

const statusOf = (code: string): number => problem(code, '').status;

function errorStatuses(spec: OpSpec): number[] {
  const out = new Set<number>([429, 500, 503, ...(spec.errors ?? []),
    ...(spec.codes ?? []).map(statusOf)]);
  if (spec.auth !== 'none') out.add(401);
  if (spec.auth === 'scope') out.add(403);
  if (spec.params?.length) out.add(404);
  if (spec.query?.length || spec.body || spec.params?.length) out.add(400);
  if (spec.body) {
    out.add(413);
    out.add(415);
  }
  return [...out].sort((a, b) => a - b);
}

function content(types: Record<string, Schema>): object {
  return Object.fromEntries(Object.entries(types).map(([t, schema]) => [t, { schema }]));
}

export function op(spec: OpSpec): Operation {
  const responses: Record<string, object> = {};
  for (const [status, types] of Object.entries(spec.ok)) {
    responses[status] = types ? { description: 'OK', content: content(types) }
      : { description: 'No body' };
  }
  for (const status of errorStatuses(spec)) {
    const codes = new Set([...(COMMON_CODES[status] ?? []),
      ...(spec.codes ?? []).filter((c) => statusOf(c) === status)]);
    responses[String(status)] = { description: ERROR_TEXT[status] ?? 'Error',
      content: { [PROBLEM_TYPE]: { schema: ref('Problem') } },
      ...(codes.size > 0 ? { 'x-problem-codes': [...codes].sort() } : {}) };
  }
  const parameters = [
    ...(spec.params ?? []).map((name) => ({ name, in: 'path', required: true,
      schema: { type: 'string' } })),
    ...(spec.query ?? []).map((q) => ({ name: q.name, in: 'query', required: q.required ?? false,
      schema: q.schema })),
  ];
  const out: Operation = { operationId: spec.id, summary: spec.summary, tags: [spec.tag],
    responses };
  if (spec.description) out.description = spec.description;
  if (spec.auth === 'none') out.security = [];
  if (spec.scope) out.security = [{ bearer: [spec.scope] }];
  if (parameters.length > 0) out.parameters = parameters;
  if (spec.body) {
    const { type, schema } = spec.body;
    out.requestBody = { required: true, content: { [type]: { schema } } };
  }
  return out;
}

/** `/v1/packs/:id/files/*path` → `/v1/packs/{id}/files/{path}`. */
export function openapiPath(koaPattern: string): string {
  return koaPattern.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

export const json = (schema: Schema) => ({ [JSON_TYPE]: schema });
export const str = { type: 'string' };
export const int = { type: 'integer', minimum: 0 };
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
export const obj = (required: Record<string, Schema>, optional: Record<string, Schema> = {}):
Schema => ({ type: 'object', required: Object.keys(required),
  properties: { ...required, ...optional } });
export const list = (items: Schema): Schema => ({ type: 'array', items });
