/**
 * A policy request to simulate, read from a JSON body (the field names of
 * Cordum's `policySimulations`, checked by packs/policy/request.ts: a wrong
 * type or an unknown field is `request_invalid` naming it) or from the
 * "Try the policy" form, read leniently.
 */
import { MAX_FIELD_CHARS, MAX_ITEMS, checkPolicyRequest } from '../../../packs/policy/request.js';
import type { PolicyRequest } from '../../../packs/policy/types.js';
import { RegistryError } from '../../errors.js';

const STRING_FIELDS = ['tenantId', 'topic', 'capability', 'packId', 'actorId',
  'actorType'] as const;

/** A request from a JSON object, checked as the engine checks one: unknown fields refused. */
export function policyRequestFromJson(body: Record<string, unknown>): PolicyRequest {
  return checkPolicyRequest(body, 'request', (message) => {
    throw new RegistryError('request_invalid', message);
  });
}

type QueryValue = string | string[] | undefined;

function all(value: QueryValue): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().slice(0, MAX_FIELD_CHARS))
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
