/**
 * What an admin curates in the marketplace: collections (`PUT`/`DELETE
 * /v1/marketplace/collections/{slug}`) and verified publishers (`PUT`/
 * `DELETE /v1/marketplace/publishers/{publisher}/verification`).
 */
import { requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import { RegistryError } from '../errors.js';
import type { Site } from '../marketplace/site.js';
import { deleteCollection, putCollection, type NewCollection } from
  '../marketplace/store/collections.js';
import { listVerifications, publisherExists, unverifyPublisher, verifyPublisher } from
  '../marketplace/store/verified.js';
import type { RegistryRouter } from '../state.js';
import { assertPublisher } from '../store/publishers.js';
import { param } from './params.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_PACKS = 500;
const MAX_TEXT = 2000;

function textField(body: Record<string, unknown>, name: string, required: boolean): string {
  const value = body[name];
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value.trim() === '') || value.length > MAX_TEXT) {
    throw new RegistryError('request_invalid',
      `\`${name}\` must be a${required ? ' non-empty' : ''} string of at most ${MAX_TEXT} ` +
      'characters');
  }
  return value.trim();
}

function collectionFrom(slug: string, body: Record<string, unknown>): NewCollection {
  if (!SLUG.test(slug)) {
    throw new RegistryError('request_invalid', `collection slug must match ${SLUG.source}`);
  }
  const { packs, position } = body;
  if (!Array.isArray(packs) || packs.length > MAX_PACKS ||
    !packs.every((p): p is string => typeof p === 'string')) {
    throw new RegistryError('request_invalid', `\`packs\` must be an array of at most ${MAX_PACKS
    } pack ids`);
  }
  if (position !== undefined && !Number.isInteger(position)) {
    throw new RegistryError('request_invalid', '`position` must be an integer');
  }
  return { slug, title: textField(body, 'title', true),
    description: textField(body, 'description', false),
    position: (position as number | undefined) ?? 0, packs: [...new Set(packs)] };
}

export function mountMarketplaceAdmin(router: RegistryRouter, site: Site): void {
  const { deps } = site;
  const admin = requireScope(deps, 'admin');

  router.put('/v1/marketplace/collections/:slug', admin, async (ctx) => {
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes,
      ['title', 'description', 'position', 'packs']);
    const collection = collectionFrom(param(ctx, 'slug'), body);
    await putCollection(deps.db, collection, deps.clock.now());
    deps.log.info('collection saved', { request_id: ctx.state.requestId,
      collection: collection.slug, packs: collection.packs.length });
    ctx.body = { slug: collection.slug, title: collection.title, packs: collection.packs };
  });

  router.delete('/v1/marketplace/collections/:slug', admin, async (ctx) => {
    const slug = param(ctx, 'slug');
    if (!(await deleteCollection(deps.db, slug))) {
      throw new RegistryError('not_found', `no collection ${JSON.stringify(slug)}`);
    }
    deps.log.info('collection deleted', { request_id: ctx.state.requestId, collection: slug });
    ctx.status = 204;
  });

  router.get('/v1/marketplace/publishers/verified', requireRead(deps), async (ctx) => {
    ctx.body = { publishers: (await listVerifications(deps.db)).map((v) => ({
      publisher: v.publisher, verified_at: v.verifiedAt, note: v.note })) };
  });

  router.put('/v1/marketplace/publishers/:publisher/verification', admin, async (ctx) => {
    const publisher = param(ctx, 'publisher');
    assertPublisher(publisher);
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['note']);
    const note = textField(body, 'note', false);
    if (!(await publisherExists(deps.db, publisher))) {
      throw new RegistryError('not_found', `no publisher ${JSON.stringify(publisher)}`);
    }
    await verifyPublisher(deps.db, publisher, note, deps.clock.now());
    deps.log.info('publisher verified', { request_id: ctx.state.requestId, publisher });
    ctx.body = { publisher, verified: true, note };
  });

  router.delete('/v1/marketplace/publishers/:publisher/verification', admin, async (ctx) => {
    const publisher = param(ctx, 'publisher');
    if (!(await unverifyPublisher(deps.db, publisher))) {
      throw new RegistryError('not_found',
        `publisher ${JSON.stringify(publisher)} is not verified`);
    }
    deps.log.info('publisher unverified', { request_id: ctx.state.requestId, publisher });
    ctx.status = 204;
  });
}
