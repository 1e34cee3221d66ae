/**
 * Every route module of `cordum engine serve`, in one list. A module is a
 * function of the parts it needs that answers its routes; add a module by
 * appending it here.
 */
import type { RunQueue } from '../queue/types.js';
import type { Engine } from '../runner.js';
import { answer, type EngineRoute } from './route.js';
import { runRoutes } from './runs.js';

export interface RouteParts {
  engine: Engine;
  /** Answers whether the database answers, for `/readyz`. */
  ready(): Promise<boolean>;
  /** Where started runs go; without one, the process that starts a run advances it. */
  queue?: RunQueue;
  /**
   * When set, approving, rejecting, giving input and cancelling need this token (or the
   * admin token): otherwise whoever can reach the port could clear an approval it asked for.
   */
  approverTokens?: string[];
}

export type RouteModule = (parts: RouteParts) => EngineRoute[];

function healthRoutes(parts: RouteParts): EngineRoute[] {
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
        const ok = await parts.ready().catch(() => false);
        answer(res, ok ? 200 : 503, 'application/json',
          JSON.stringify({ status: ok ? 'ready' : 'not_ready' }));
      },
    },
  ];
}

export const ROUTE_MODULES: RouteModule[] = [
  healthRoutes,
  ({ engine, queue, approverTokens }) => runRoutes(engine, queue, approverTokens),
];
