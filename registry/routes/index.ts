/**
 * The registry's route groups, one file each. Another part may append a
 * group here; `app.ts` mounts them all on one router, in this order.
 */
import type { RegistryDeps } from '../deps.js';
import type { RegistryRouter } from '../state.js';
import { catalogRoutes } from './catalog.js';
import { keyRoutes } from './keys.js';
import { packRoutes } from './packs.js';
import { publishRoutes } from './publish.js';
import { resolveRoutes } from './resolve.js';
import { versionRoutes } from './versions.js';
import { yankRoutes } from './yank.js';
import { keyRevocationRoutes } from './key_revocations.js';
import { tokenRoutes } from './tokens.js';
import { deploymentRoutes } from './deployments.js';
import { policyBundleRoutes } from './policy_bundles.js';

export type RouteGroup = (router: RegistryRouter, deps: RegistryDeps) => void;

export const routeGroups: RouteGroup[] = [
  catalogRoutes,
  packRoutes,
  publishRoutes,
  resolveRoutes,
  versionRoutes,
  keyRoutes,
  yankRoutes,
  keyRevocationRoutes,
  tokenRoutes,
  deploymentRoutes,
  policyBundleRoutes,
];
