/**
 * A pack's own policy simulations (`tests.policySimulations`), checked as
 * warnings by `pack validate`: a request field the kernel does not know is
 * accepted in a manifest (packs written elsewhere may carry fields of their
 * own) but is said, since the simulation then decides as if it were absent.
 */
import type { Issue } from '../errors.js';
import { REQUEST_FIELDS, unknownFieldText } from '../policy/request.js';

export function simulationFieldWarnings(request: unknown, index: number): Issue[] {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return [];
  return Object.keys(request)
    .filter((k) => !REQUEST_FIELDS.includes(k))
    .map((k) => ({
      file: 'pack.yaml',
      path: `/tests/policySimulations/${index}/request/${k}`,
      rule: 'simulation_request_field',
      message: `${unknownFieldText(k, REQUEST_FIELDS)} (the simulation decides as if it ` +
        'were absent)',
    }));
}
