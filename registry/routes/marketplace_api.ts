/**
 * The marketplace's JSON API (Bearer tokens, as the rest of `/v1`):
 * policy simulation of a version, search, changelogs and collections.
 */
import { requireRead } from '../auth.js';
import { readJsonObject } from '../body.js';
import { RegistryError } from '../errors.js';
import { compareVersions } from '../marketplace/changelog/load.js';
import type { PackChangelog } from '../marketplace/changelog/diff.js';
import { chooseVersion, packVersions } from '../marketplace/pack/versions.js';
import { policyRequestFromJson } from '../marketplace/policy/request.js';
import { simulatePack, simulationJson } from '../marketplace/policy/simulate.js';
import { parseSearch, searchParamProblem } from '../marketplace/search/query.js';
import { searchPacks, type SearchHit } from '../marketplace/search/sql.js';
import { detailsOf, type Site } from '../marketplace/site.js';
import { findCollection, listCollections } from '../marketplace/store/collections.js';
import type { Rule } from '../../packs/policy/types.js';
import type { RegistryRouter } from '../state.js';
import { readablePublishers } from '../tenancy/roles.js';
import { hiddenPackIds } from '../tenancy/visibility.js';
import { param } from './params.js';

function hitJson(h: SearchHit) {
  const m = h.metadata;
  return {
    id: h.id, publisher: h.publisher, version: h.version, title: m.title,
    description: m.description, license: m.license, published_at: h.publishedAt,
    verified: h.verified, downloads: h.downloads,
    capabilities: [...new Set(h.topics.flatMap((t) => (t.capability ? [t.capability] : [])))]
      .sort(),
    risk_tags: [...new Set(h.topics.flatMap((t) => t.riskTags ?? []))].sort(),
  };
}

const ruleJson = ({ source: _source, ...rule }: Rule) => rule;

function changelogJson(c: PackChangelog) {
  return {
    from: c.from, to: c.to,
    rules: { added: c.rules.added.map(ruleJson), removed: c.rules.removed.map(ruleJson),
      changed: c.rules.changed.map((r) => ({ id: r.id, fields: r.fields,
        before: ruleJson(r.before), after: ruleJson(r.after) })), reordered: c.rules.reordered },
    topics: { added: c.topics.added, removed: c.topics.removed,
      changed: c.topics.changed.map((t) => ({ name: t.name, fields: t.fields, before: t.before,
        after: t.after })) },
    capabilities: c.capabilities, risk_tags: c.riskTags, requires: c.requires,
    workflows: c.workflows, schemas: c.schemas, requires_packs: c.requiresPacks,
  };
}

/**
 * A query parameter given at most once: given twice, the caller meant one of them and we
 * cannot tell which (the changelog page falls back to the first instead).
 */
function one(value: string | string[] | undefined, name: string): string | undefined {
  if (Array.isArray(value)) throw new RegistryError('request_invalid', `give \`${name}\` once`);
  return value || undefined;
}

export function mountMarketplaceApi(router: RegistryRouter, site: Site): void {
  const { deps } = site;

  router.post('/v1/packs/:id/versions/:version/simulate', requireRead(deps), async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const body = await readJsonObject(ctx.req, deps.uploadLimits.jsonBytes);
    const request = policyRequestFromJson(body);
    const record = chooseVersion(await packVersions(deps.db, id), param(ctx, 'version'));
    ctx.state.version = record.version;
    const details = await detailsOf(site, record);
    ctx.body = simulationJson(id, record.version, simulatePack(details.pack, request));
  });

  router.get('/v1/packs/:id/changelog', requireRead(deps), async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const versions = await packVersions(deps.db, id);
    const to = chooseVersion(versions, one(ctx.query.to, 'to')).version;
    const index = versions.records.findIndex((r) => r.version === to);
    const from = one(ctx.query.from, 'from') ?? versions.records[index + 1]?.version;
    if (from === undefined) {
      throw new RegistryError('request_invalid', `${id}@${to} has no earlier version; give from=`);
    }
    ctx.body = changelogJson(await compareVersions(site, versions, from, to));
  });

  router.get('/v1/marketplace/search', requireRead(deps), async (ctx) => {
    const problem = searchParamProblem(ctx.query);
    if (problem !== undefined) throw new RegistryError('request_invalid', problem);
    const query = parseSearch(ctx.query);
    const result = await searchPacks(deps.db, query, undefined,
      readablePublishers(ctx.state.actor));
    ctx.body = { total: result.total, page: query.page, per_page: query.perPage,
      packs: result.hits.map(hitJson) };
  });

  // A collection names packs; the private ones the caller may not see are left out.
  router.get('/v1/marketplace/collections', requireRead(deps), async (ctx) => {
    const hidden = await hiddenPackIds(deps.db, ctx.state.actor);
    ctx.body = { collections: (await listCollections(deps.db)).map((c) => ({ slug: c.slug,
      title: c.title, description: c.description, position: c.position,
      packs: c.packs.filter((id) => !hidden.has(id)), updated_at: c.updatedAt })) };
  });

  router.get('/v1/marketplace/collections/:slug', requireRead(deps), async (ctx) => {
    const slug = param(ctx, 'slug');
    const c = await findCollection(deps.db, slug);
    if (!c) throw new RegistryError('not_found', `no collection ${JSON.stringify(slug)}`);
    const hidden = await hiddenPackIds(deps.db, ctx.state.actor);
    ctx.body = { slug: c.slug, title: c.title, description: c.description, position: c.position,
      packs: c.packs.filter((id) => !hidden.has(id)), updated_at: c.updatedAt };
  });
}
