/**
 * A policy request from the engine's HTTP JSON (packs/policy/request.ts),
 * refused as `request_invalid`.
 */
import { checkPolicyRequest } from '../../packs/policy/request.js';
import type { PolicyRequest } from '../../packs/policy/types.js';
import { KernelError } from './errors.js';

/** Checks one request; `where` names it in the message (`requests[3]`). */
export function toPolicyRequest(value: unknown, where = 'request'): PolicyRequest {
  return checkPolicyRequest(value, where, (message) => {
    throw new KernelError('request_invalid', message);
  });
}
