/**
 * The handlers of a deployment, in file order: a job goes to the first
 * handler one of whose topic globs matches its topic.
 */
import { globMatch } from '../../packs/policy/glob.js';
import type { Deployment, HandlerSpec } from '../deployment.js';
import { builtinHandler } from './builtin.js';
import { execHandler } from './exec.js';
import { httpHandler } from './http.js';
import type { HandlerLookup, JobHandler } from './types.js';

export interface HandlerRoute {
  topics: string[];
  handler: JobHandler;
}

export function handlerTable(routes: HandlerRoute[]): HandlerLookup {
  return {
    find(topic) {
      return routes.find((r) => r.topics.some((glob) => globMatch(glob, topic)))?.handler;
    },
  };
}

/** Builds the real handlers a deployment names. */
export function handlersOf(deployment: Deployment): HandlerLookup {
  return handlerTable(
    deployment.handlers.map((spec) => ({
      topics: spec.topics,
      handler: handlerOf(spec, deployment.dir),
    })),
  );
}

function handlerOf(spec: HandlerSpec, dir: string): JobHandler {
  if (spec.http) return httpHandler(spec.http);
  if (spec.exec) return execHandler(spec.exec, dir);
  // The schema admits exactly one kind, so this is the builtin.
  return builtinHandler(spec.builtin ?? 'noop');
}
