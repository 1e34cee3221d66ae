/** `data "cordum_catalog"`: the registry's gateway catalog (`catalog.json`). */
import type { CordumClient } from '../config.js';
import type { DataSource } from '../framework/resource.js';
import { types } from '../framework/types.js';

const entryType = types.object({
  id: 'string',
  version: 'string',
  title: 'string',
  description: 'string',
  url: 'string',
  sha256: 'string',
  capabilities: types.list('string'),
  requires: types.list('string'),
  risk_tags: types.list('string'),
});

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export const catalogData: DataSource<CordumClient> = {
  name: 'cordum_catalog',
  schema: {
    version: 0,
    block: {
      description: 'Every pack the registry lists for Cordum gateways, newest version each.',
      attributes: {
        updated_at: { type: 'string', computed: true, description: 'When the catalog changed.' },
        packs: {
          type: types.list(entryType),
          computed: true,
          description: 'The entries, in the order the registry lists them.',
        },
      },
    },
  },

  async read(_config, client) {
    const catalog = await client.registry.catalog();
    return {
      updated_at: catalog.updated_at,
      packs: catalog.packs.map((p) => ({
        id: p.id,
        version: p.version,
        title: text(p.title),
        description: text(p.description),
        url: p.url,
        sha256: p.sha256,
        capabilities: list(p.capabilities),
        requires: list(p.requires),
        risk_tags: list(p.risk_tags),
      })),
    };
  },
};
