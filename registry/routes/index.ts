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
import { marketplaceRoutes } from './marketplace.js';
import { npmRoutes } from './npm.js';
import { schemaRoutes } from './schemas.js';

import { logRoutes } from '../tlog/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { healthRoutes } from '../hardening/health.js';
import { openapiRoutes } from '../openapi/routes.js';
import { publisherRoutes } from './publishers.js';
import { distTagRoutes } from './dist_tags.js';
import { deprecateRoutes } from './deprecate.js';
import { tfRegistryRoutes } from './tfregistry.js';
import { upstreamLogRoutes } from './upstream_log.js';
import { metricsRoutes } from '../metrics/routes.js';

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
  marketplaceRoutes,
  npmRoutes,
  schemaRoutes,
  // The transparency log, the audit log, health and the API document (issue 5).
  logRoutes,
  auditRoutes,
  healthRoutes,
  openapiRoutes,
  // Publishers' members, private packs, dist-tags and deprecation (registry/tenancy).
  publisherRoutes,
  distTagRoutes,
  deprecateRoutes,
  // Terraform's provider registry protocol (registry/tfregistry).
  tfRegistryRoutes,
  // Prometheus metrics (registry/metrics).
  metricsRoutes,
  // A mirrored version's evidence from the source registry's log (issue 7).
  upstreamLogRoutes,
];
