/** The per-request state the registry's middleware share, and its router type. */
import type Koa from 'koa';
import type { Router, RouterContext } from '@koa/router';
import type { Actor } from './store/tokens.js';

export interface RegistryState {
  requestId: string;
  /** Set by the auth middleware when the request carried a valid token. */
  actor?: Actor;
  /** Pack and version a route worked on, for the access log. */
  packId?: string;
  version?: string;
  /** A key a route worked on whose id is not in the path (`POST /v1/keys`), for the audit log. */
  keyId?: string;
  /** A page's "no such pack" answer, rendered by the page (registry/tenancy/guard.ts). */
  refusal?: Error;
}

export type RegistryContext = RouterContext<RegistryState, Koa.DefaultContext>;
export type RegistryRouter = Router<RegistryState, Koa.DefaultContext>;
