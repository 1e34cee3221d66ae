/**
 * Every route module of `cordum engine serve`, in one list. A module is a
 * function of the parts it needs that answers its routes; add a module by
 * appending it here.
 */
import { DATABASE_DEADLINE_MS, shared, within } from '../../storage/deadline.js';
import type { RunRequests } from '../observability/run_requests.js';
import type { RunQueue } from '../queue/types.js';
import type { Engine } from '../runner.js';
import { answer, type EngineRoute } from './route.js';
import { runRoutes } from './runs.js';

export interface RouteParts {
  engine: Engine;
  /**
   * Whether the engine can serve, for `/readyz`: true, false, or what it
   * still waits for (said in the answer's `reason`).
   */
  ready(): Promise<boolean | string>;
  /** Where started runs go; without one, the process that starts a run advances it. */
  queue?: RunQueue;
  /**
   * Whether runs may start or resume now (default: always): a followed
   * deployment's engine waits for its verified workflows.
   */
  canResume?: () => boolean;
  /**
   * When set, approving, rejecting, giving input and cancelling need this token (or the
   * admin token): otherwise whoever can reach the port could clear an approval it asked for.
   */
  approverTokens?: string[];
  /** Where a run advanced for a request is told its id, for the run's log lines. */
  requests?: RunRequests;
}

export type RouteModule = (parts: RouteParts) => EngineRoute[];

function healthRoutes(parts: RouteParts): EngineRoute[] {
  // Probes while the database hangs answer 503 once it is late, sharing the check in flight.
  const ready = shared(() => within(parts.ready(), DATABASE_DEADLINE_MS));
  return [
    {
      method: 'GET',
      path: '/healthz',
      handle: ({ res }) => {
        answer(res, 200, 'application/json', '{"status":"ok"}');
      },
    },
    {
      method: 'GET',
      path: '/readyz',
      async handle({ res }) {
        const answered = await ready().catch((err: unknown) =>
          `the database did not answer: ${err instanceof Error ? err.message : String(err)}`);
        const body = answered === true ? { status: 'ready' } : typeof answered === 'string'
          ? { status: 'not_ready', reason: answered } : { status: 'not_ready' };
        answer(res, answered === true ? 200 : 503, 'application/json', JSON.stringify(body));
      },
    },
  ];
}

export const ROUTE_MODULES: RouteModule[] = [
  healthRoutes,
  runRoutes,
];
