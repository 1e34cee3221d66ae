/**
 * A policy request from HTTP JSON, checked field by field at the edge so
 * the evaluator only ever sees typed values. Field names are those of
 * Cordum's policy simulations (`tenantId`, `topic`, `riskTags`, ...).
 */
import type { PolicyRequest } from '../../packs/policy/types.js';
import { KernelError } from './errors.js';

const STRINGS = ['tenantId', 'topic', 'capability', 'packId', 'actorId', 'actorType'] as const;
const LISTS = ['riskTags', 'requires'] as const;
const MCP = ['server', 'tool', 'resource', 'action'] as const;

function fail(where: string, what: string): never {
  throw new KernelError('request_invalid', `${where}: ${what}`);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string');
}

/** Checks one request; `where` names it in the message (`requests[3]`). */
export function toPolicyRequest(value: unknown, where = 'request'): PolicyRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(where, 'expected a JSON object');
  }
  const v = value as Record<string, unknown>;
  const out: PolicyRequest = {};
  for (const k of STRINGS) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'string') fail(`${where}.${k}`, 'expected a string');
    out[k] = v[k];
  }
  for (const k of LISTS) {
    if (v[k] === undefined) continue;
    if (!isStringList(v[k])) fail(`${where}.${k}`, 'expected a list of strings');
    out[k] = v[k];
  }
  if (v.labels !== undefined) {
    if (!isStringMap(v.labels)) fail(`${where}.labels`, 'expected an object of strings');
    out.labels = v.labels;
  }
  if (v.secretsPresent !== undefined) {
    if (typeof v.secretsPresent !== 'boolean') {
      fail(`${where}.secretsPresent`, 'expected a boolean');
    }
    out.secretsPresent = v.secretsPresent;
  }
  if (v.mcp !== undefined) out.mcp = toMcp(v.mcp, `${where}.mcp`);
  return out;
}

function toMcp(value: unknown, where: string): NonNullable<PolicyRequest['mcp']> {
  if (!isStringMap(value)) fail(where, 'expected an object of strings');
  const out: NonNullable<PolicyRequest['mcp']> = {};
  for (const k of MCP) if (value[k] !== undefined) out[k] = value[k];
  return out;
}
