/**
 * `GET|PUT /v1/packs/:id/versions/:version/log/upstream` and
 * `GET|PUT /v1/keys/:keyId/log/upstream`: a mirrored version's or key's
 * evidence from the source registry's transparency log (one log's entries
 * cannot be appended to another, each registry signing its own tree, so the
 * proof travels instead). A PUT is checked before it is stored: the source
 * entry must be this version's publish (or this key's registration for its
 * publisher), its audit path must prove it under the signed tree head, and
 * the head must be signed by the log key given. That key is the source's as
 * the mirror was told it; a reader who holds the source's key checks it
 * again offline (`cordum pack verify --upstream-log-key`). A PUT needs
 * `publish` for the pack, or `keys` for the key, of its publisher.
 */
import {
  checkUpstream, publishExpected, type ExpectedEntry, type UpstreamFault,
} from '../../packs/tlog/upstream.js';
import { actingPublisher, actorFrom, requireRead, requireScope } from '../auth.js';
import { readJsonObject } from '../body.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError, type RegistryErrorCode } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { findKey } from '../store/keys.js';
import { findVersion } from '../store/packs.js';
import { guardPack } from '../tenancy/guard.js';
import { parseUpstreamEvidence } from '../tlog/upstream-body.js';
import {
  keySubject, storeUpstream, upstreamOf, versionSubject,
} from '../tlog/upstream-store.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';

const VERSION_PATH = '/v1/packs/:id/versions/:version/log/upstream';
const KEY_PATH = '/v1/keys/:keyId/log/upstream';

const FAULT_CODES: Record<UpstreamFault, RegistryErrorCode> = {
  entry: 'upstream_entry_mismatch',
  proof: 'upstream_proof_invalid',
  signature: 'upstream_signature_invalid',
};

/** What a route's evidence is about: its row subject, owner and expected entry. */
interface Subject {
  subject: string;
  name: string;
  publisher: string;
  expected: ExpectedEntry;
}

async function versionTarget(deps: RegistryDeps, ctx: RegistryContext): Promise<Subject> {
  const id = param(ctx, 'id');
  const version = param(ctx, 'version');
  ctx.state.packId = id;
  ctx.state.version = version;
  const r = await findVersion(deps.db, id, version);
  if (!r) throw new RegistryError('version_not_found', `${id}@${version} is not published here`);
  return { subject: versionSubject(id, version), name: `${id}@${version}`,
    publisher: r.publisher, expected: publishExpected({ id, version, sha256: r.sha256,
      keyId: r.keyId }) };
}

async function keyTarget(deps: RegistryDeps, ctx: RegistryContext): Promise<Subject> {
  const keyId = param(ctx, 'keyId');
  const key = await findKey(deps.db, keyId);
  if (!key) throw new RegistryError('key_not_found', `no key ${keyId} in this registry`);
  return { subject: keySubject(keyId), name: `key ${keyId}`, publisher: key.publisher,
    expected: { kind: 'key_add', key_id: keyId, publisher: key.publisher } };
}

type Target = (deps: RegistryDeps, ctx: RegistryContext) => Promise<Subject>;

function upstreamRoutes(path: string, target: Target, scope: 'publish' | 'keys'): RouteGroup {
  return (router, deps) => {
    router.get(path, requireRead(deps), async (ctx) => {
      ctx.body = { upstream: await upstreamOf(deps.db, (await target(deps, ctx)).subject) };
    });

    router.put(path, requireScope(deps, scope), async (ctx) => {
      // A private pack's version is absent to outsiders here too, not someone else's.
      await guardPack(deps, ctx);
      const t = await target(deps, ctx);
      actingPublisher(actorFrom(ctx), t.publisher);
      const evidence = parseUpstreamEvidence(
        await readJsonObject(ctx.req, deps.uploadLimits.jsonBytes));

      const check = checkUpstream(evidence, t.expected);
      if (!check.ok) {
        throw new RegistryError(FAULT_CODES[check.fault],
          `upstream log evidence for ${t.name}: ${check.message}`);
      }

      const { created, stored } = await storeUpstream(deps.db, t.subject, evidence,
        check.leaf_hash, deps.clock.now());
      if (created) {
        deps.log.info('upstream log evidence stored', { request_id: ctx.state.requestId,
          subject: t.subject, log_key_id: evidence.log_key.key_id });
      }
      ctx.status = created ? 201 : 200;
      ctx.body = stored;
    });
  };
}

const versionUpstream = upstreamRoutes(VERSION_PATH, versionTarget, 'publish');
const keyUpstream = upstreamRoutes(KEY_PATH, keyTarget, 'keys');

export const upstreamLogRoutes: RouteGroup = (router, deps) => {
  versionUpstream(router, deps);
  keyUpstream(router, deps);
};
