/**
 * The marketplace web app, served by the registry itself (nothing from
 * another origin): pages under `/marketplace/`, its JSON API under
 * `/v1/marketplace/` and `/v1/packs/{id}/...`. This group builds what the
 * marketplace's routes share and mounts them; see docs/marketplace.md.
 */
import { createSite } from '../marketplace/site.js';
import type { RouteGroup } from './index.js';
import { mountMarketplaceAdmin } from './marketplace_admin.js';
import { mountMarketplaceApi } from './marketplace_api.js';
import { mountMarketplaceBrowse } from './marketplace_browse.js';
import { mountMarketplacePack } from './marketplace_pack.js';
import { mountMarketplaceSession } from './marketplace_session.js';

export const marketplaceRoutes: RouteGroup = (router, deps) => {
  const site = createSite(deps);
  mountMarketplaceSession(router, site);
  mountMarketplaceBrowse(router, site);
  mountMarketplacePack(router, site);
  mountMarketplaceApi(router, site);
  mountMarketplaceAdmin(router, site);
};
