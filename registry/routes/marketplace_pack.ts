/**
 * Marketplace pages of one pack: a version's page (latest by default), the
 * images its README shows, and its changelog.
 */
import { RegistryError } from '../errors.js';
import { compareVersions, versionSteps } from '../marketplace/changelog/load.js';
import { changeStep, type ChangelogStep } from '../marketplace/changelog/step.js';
import { changelogMain } from '../marketplace/pages/others.js';
import { packMain } from '../marketplace/pages/pack.js';
import { packPath } from '../marketplace/paths.js';
import { readingOf } from '../marketplace/pack/unreadable.js';
import { chooseVersion, packVersions } from '../marketplace/pack/versions.js';
import { policyRequestFromForm } from '../marketplace/policy/request.js';
import { simulatePack } from '../marketplace/policy/simulate.js';
import { simulationResult } from '../marketplace/render/simulation.js';
import { securityHeaders } from '../marketplace/respond.js';
import { marketplaceRead } from '../marketplace/session.js';
import { detailsOf, htmlRoute, type Rendered, type Site } from '../marketplace/site.js';
import { versionDownloads } from '../marketplace/store/downloads.js';
import { versionStates } from '../marketplace/store/states.js';
import { findVerification } from '../marketplace/store/verified.js';
import type { RegistryContext, RegistryRouter } from '../state.js';
import { param } from './params.js';

function one(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v ? v : undefined;
}

async function packPage(site: Site, ctx: RegistryContext, version: string | undefined):
  Promise<Rendered> {
  const id = param(ctx, 'id');
  ctx.state.packId = id;
  const versions = await packVersions(site.deps.db, id);
  const record = chooseVersion(versions, version);
  ctx.state.version = record.version;
  const details = await detailsOf(site, record);

  const simulation = ctx.query.simulate === '1'
    ? simulatePack(details.pack, policyRequestFromForm(ctx.query)) : undefined;
  if (ctx.query.partial === 'simulation' && simulation) {
    return { fragment: simulationResult(simulation) };
  }
  const index = versions.records.indexOf(record);
  const previous = versions.records[index + 1];
  // A previous version this registry can no longer read leaves out the change, not the page.
  const [verification, downloads, states, before] = await Promise.all([
    findVerification(site.deps.db, record.publisher),
    versionDownloads(site.deps.db, id),
    versionStates(site.deps.db, id),
    previous ? readingOf(site, previous) : Promise.resolve(undefined),
  ]);
  const title = record.manifest.metadata.title ?? id;
  const page = {
    records: versions.records, latest: versions.latest.version, details,
    verified: verification !== undefined, downloads, states, registryUrl: site.deps.baseUrl,
    ...(simulation ? { simulation } : {}),
    ...(before ? { change: changeStep(before, { version: record.version, details }) } : {}),
  };
  return { page: { title: `${title} ${record.version}`, headerSearch: true,
    ...(record.manifest.metadata.description
      ? { description: record.manifest.metadata.description } : {}),
    main: packMain(page) } };
}

export function mountMarketplacePack(router: RegistryRouter, site: Site): void {
  const read = marketplaceRead(site.deps);
  const base = '/marketplace/packs/:id';

  router.get(base, read, htmlRoute(site, async (ctx) => {
    // The version switcher's form (without script) asks for ?version=.
    const asked = one(ctx.query.version);
    if (asked) return { redirect: packPath(param(ctx, 'id'), asked) };
    return packPage(site, ctx, undefined);
  }));

  router.get(`${base}/versions/:version`, read, htmlRoute(site, async (ctx) =>
    packPage(site, ctx, param(ctx, 'version'))));

  router.get(`${base}/versions/:version/files/*path`, read, async (ctx) => {
    const versions = await packVersions(site.deps.db, param(ctx, 'id'));
    const record = chooseVersion(versions, param(ctx, 'version'));
    const details = await detailsOf(site, record);
    const path = decodedPath(ctx.path.split('/files/').slice(1).join('/files/'));
    const image = details.images.get(path);
    if (!image) {
      throw new RegistryError('not_found', `no image ${JSON.stringify(path)} in the pack`);
    }
    securityHeaders(ctx);
    // Served as an image only, never as a document that could run script.
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('Cache-Control', 'private, max-age=31536000, immutable');
    ctx.type = image.type;
    ctx.body = image.bytes;
  });

  router.get(`${base}/changelog`, read, htmlRoute(site, async (ctx) => {
    const id = param(ctx, 'id');
    ctx.state.packId = id;
    const versions = await packVersions(site.deps.db, id);
    const from = one(ctx.query.from);
    const to = one(ctx.query.to);
    // A comparison asked for fails with its unreadable side; the default steps each say so.
    const changes: ChangelogStep[] = from && to
      ? [await compareVersions(site, versions, from, to)] : await versionSteps(site, versions);
    const title = versions.latest.manifest.metadata.title ?? id;
    return { page: { title: `Changelog of ${title}`, headerSearch: true,
      main: changelogMain(id, title, versions.records.map((r) => r.version), changes,
        { ...(from ? { from } : {}), ...(to ? { to } : {}) }) } };
  }));
}

/** A file path from the URL; a `%` escape that is not UTF-8 is the request's fault. */
function decodedPath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RegistryError('request_invalid', `file path ${JSON.stringify(raw)}: not valid ` +
      'percent-encoded UTF-8');
  }
}
