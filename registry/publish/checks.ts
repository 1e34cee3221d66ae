/**
 * Every check a publish passes before anything is stored, in this order:
 * the bundle's safety limits, validation, the signed digest against the
 * tarball, the signature with a key of the pack's owner, the caller's right
 * to publish for that owner, and that id@version is new. All checks live
 * here, none in the route or the commit.
 */
import { readBundle } from '../../packs/bundle/read.js';
import { parseJson, UNSTORABLE_MESSAGE, unstorableTextAt } from '../../packs/documents.js';
import { isPackError } from '../../packs/errors.js';
import { loadPack, type LoadedPack } from '../../packs/load.js';
import type { PackManifest } from '../../packs/manifest.js';
import { verifyTarball, bundleKeyId } from '../../packs/signing/verify.js';
import type { Queryable } from '../../storage/database.js';
import { actingPublisher } from '../auth.js';
import { hasRole } from '../tenancy/roles.js';
import { assertKeyLive } from '../tenancy/key_trust.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import { findKey } from '../store/keys.js';
import { findPackOwner, findVersion } from '../store/packs.js';
import { assertPublisher } from '../store/publishers.js';
import { hasScope, type Actor } from '../store/tokens.js';
import type { PublishForm } from './multipart.js';

/** A publish that passed every check, ready to store. */
export interface CheckedPublish {
  packId: string;
  version: string;
  sha256: string;
  keyId: string;
  /** The publisher that owns the pack id, or will on this first publish. */
  owner: string;
  manifest: PackManifest;
  bundle: unknown;
  tarball: Buffer;
}

/** Who owns (or will own) `packId`: its owner, else the caller's publisher. */
async function ownerOf(db: Queryable, packId: string, actor: Actor, requested?: string) {
  const existing = await findPackOwner(db, packId);
  if (existing !== undefined) return existing;
  return actingPublisher(actor, requested);
}

/** The owner's key a bundle names, so only that key may verify. */
async function ownerKeyPem(db: Queryable, bundle: unknown, owner: string) {
  let keyId: string;
  try {
    keyId = bundleKeyId(bundle);
  } catch {
    // A malformed bundle is reported by verifyTarball with its own code.
    return () => undefined;
  }
  const key = await findKey(db, keyId);
  const pem = key && key.publisher === owner ? key.public_key : undefined;
  return (id: string) => (id === keyId ? pem : undefined);
}

function verifyWithOwnerKey(
  tarball: Buffer,
  bundle: unknown,
  findOwnerKey: (keyId: string) => string | undefined,
  owner: string,
) {
  try {
    return verifyTarball(tarball, bundle, findOwnerKey);
  } catch (err) {
    if (!isPackError(err) || err.code !== 'signature_unknown_key') throw err;
    const keyId = String(err.details.keyId ?? '');
    throw new RegistryError(
      'signature_unknown_key',
      `the tarball is signed by key ${keyId}, which is not registered to publisher ${owner}`,
      { details: { keyId, publisher: owner }, cause: err },
    );
  }
}

function assertMayPublishFor(actor: Actor, owner: string, packId: string, requested?: string) {
  const admin = hasScope(actor, 'admin');
  // The role comes first: a member of the owner without it (a reader) is told which role it
  // lacks, as actingPublisher tells it on the first publish of a new id, not that the pack
  // belongs to the very publisher it acts for.
  if (!admin && actor.publisher === owner && (requested ?? owner) === owner) {
    actingPublisher(actor, owner);
  }
  // Naming another publisher than its own is an admin's (or that publisher's member's) to do,
  // whoever owns the pack: said as that, not as ownership.
  if (!admin && requested !== undefined && requested !== actor.publisher) {
    actingPublisher(actor, requested);
  }
  // A maintainer of the owner (registry/tenancy roles) may publish, as a token of the owner may.
  if ((admin && (requested === undefined || requested === owner)) ||
    (!admin && hasRole(actor, owner, 'maintainer'))) {
    return;
  }
  throw new RegistryError('pack_not_owned', `pack ${packId} belongs to publisher ${owner}; ` +
    (requested !== undefined && requested !== actor.publisher
      ? `the publish names publisher ${requested}`
      : `this token acts for ${actor.publisher}`));
}

/** A form that names an id or version must name the tarball's own. */
function assertMatchesRequest(form: PublishForm, packId: string, version: string): void {
  for (const [field, asked, actual] of [['id', form.id, packId],
    ['version', form.version, version]] as const) {
    if (asked !== undefined && asked !== actual) {
      throw new RegistryError('tarball_mismatch', `the request publishes ${field} ` +
        `${JSON.stringify(asked)}, but the tarball's pack.yaml says ${JSON.stringify(actual)}`,
      { details: { field, requested: asked, tarball: actual } });
    }
  }
}

/**
 * The first checks of a publish, as this registry applies them now: the
 * bundle's safety limits (`readBundle`), then validation (`loadPack`). Both
 * throw a PackError. `registry fsck` runs them again on every stored version,
 * since a version published before they got stricter may fail them.
 */
export async function readPackTarball(deps: Pick<RegistryDeps, 'bundleLimits'>,
  tarball: Buffer): Promise<LoadedPack> {
  return loadPack(await readBundle(tarball, deps.bundleLimits));
}

export async function checkPublish(
  deps: RegistryDeps,
  form: PublishForm,
  actor: Actor,
): Promise<CheckedPublish> {
  const pack = await readPackTarball(deps, form.tarball);
  const { id: packId, version } = pack.manifest.metadata;
  assertMatchesRequest(form, packId, version);

  const bundle = parseJson(form.bundle.toString('utf8'), 'bundle');
  const unstorable = unstorableTextAt(bundle);
  if (unstorable !== undefined) {
    throw new RegistryError('validation_failed', `bundle: ${unstorable || '/'}: ` +
      UNSTORABLE_MESSAGE, { issues: [{ file: 'bundle', path: unstorable,
      message: UNSTORABLE_MESSAGE }] });
  }
  // A name no publisher can have is said as such, not as a key not registered to it.
  if (form.publisher !== undefined) assertPublisher(form.publisher);
  const owner = await ownerOf(deps.db, packId, actor, form.publisher);
  const findOwnerKey = await ownerKeyPem(deps.db, bundle, owner);
  const { keyId, sha256 } = verifyWithOwnerKey(form.tarball, bundle, findOwnerKey, owner);
  await assertKeyLive(deps.db, keyId);
  assertMayPublishFor(actor, owner, packId, form.publisher);

  if (await findVersion(deps.db, packId, version)) {
    throw new RegistryError('version_exists', `${packId}@${version} is already published`, {
      details: { id: packId, version },
    });
  }
  return {
    packId,
    version,
    sha256,
    keyId,
    owner,
    manifest: pack.manifest,
    bundle,
    tarball: form.tarball,
  };
}
