/**
 * `/v1/log`: the transparency log over HTTP. `key` names the key that signs
 * tree heads; `tree-head` is the signed head (of `tree_size` entries when
 * given); `entries` lists entries by range, tarball digest, pack or key;
 * `proof/inclusion` and `proof/consistency` answer RFC 6962 audit paths.
 */
import type { LogKey } from '../../packs/tlog/tree-head.js';
import type { Queryable } from '../../storage/database.js';
import { requireRead } from '../auth.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RouteGroup } from '../routes/index.js';
import type { RegistryContext } from '../state.js';
import { signedTreeHead } from './heads.js';
import { entriesRange, findEntries, logSize, MAX_ENTRIES_PAGE, readNodes } from './store.js';
import { consistencyPath, inclusionPath, withNodes } from './tree.js';
import { isSha256Hex } from '../../packs/digest.js';

function text(ctx: RegistryContext, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw new RegistryError('request_invalid', `give \`${name}\` once`);
  // PostgreSQL refuses a NUL in text: it would fail there, a 500, not find nothing.
  if (value?.includes('\0')) {
    throw new RegistryError('request_invalid', `\`${name}\` holds a NUL character (%00), ` +
      'which no pack id, version or digest may contain');
  }
  return value === undefined || value === '' ? undefined : value;
}

function integer(ctx: RegistryContext, name: string, fallback?: number): number {
  const value = text(ctx, name);
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (value === undefined || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(n)) {
    throw new RegistryError('request_invalid', `\`${name}\` must be a non-negative integer`);
  }
  return n;
}

async function sizeAtMost(db: Queryable, size: number, name: string) {
  const current = await logSize(db);
  if (size > current) {
    throw new RegistryError('request_invalid',
      `\`${name}\` ${size} is past the log's size ${current}`);
  }
}

/** The `end` asked for, refused before `start`: such a range would answer an empty page. */
function endAfter(ctx: RegistryContext, start: number, fallback?: number): number {
  const end = integer(ctx, 'end', fallback);
  if (end < start) {
    throw new RegistryError('request_invalid', `\`end\` ${end} is before \`start\` ${start}`);
  }
  return end;
}

/**
 * `GET /v1/log/entries`: a page of the log from `start`, or the entries
 * matching a pack, version, sha256 or key id between `start` and `end`.
 */
async function entriesFor(deps: RegistryDeps, ctx: RegistryContext) {
  const sha256 = text(ctx, 'sha256');
  const pack = text(ctx, 'pack');
  const version = text(ctx, 'version');
  const keyId = text(ctx, 'key_id');
  // A key id is a hex SHA-256 too: another spelling (upper case, a prefix) would match
  // nothing and answer "no entries" for a key that has some.
  for (const [name, value] of [['sha256', sha256], ['key_id', keyId]] as const) {
    if (value !== undefined && !isSha256Hex(value)) {
      throw new RegistryError('request_invalid', `\`${name}\` must be 64 lower-case hex digits`);
    }
  }
  const start = integer(ctx, 'start', 0);
  if (sha256 !== undefined || pack !== undefined || version !== undefined ||
    keyId !== undefined) {
    const q = { ...(sha256 ? { sha256 } : {}), ...(pack ? { pack } : {}),
      ...(version ? { version } : {}), ...(keyId ? { key_id: keyId } : {}) };
    // No `end` here means to the log's end: a page of matches, wherever they are.
    const range = text(ctx, 'end') === undefined ? { start }
      : { start, end: endAfter(ctx, start) };
    return findEntries(deps.db, q, range);
  }
  const end = endAfter(ctx, start, start + MAX_ENTRIES_PAGE);
  return entriesRange(deps.db, start, end);
}

export const logRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/log/key', requireRead(deps), (ctx) => {
    const key: LogKey = { key_id: deps.logSigner.keyId, public_key: deps.logSigner.publicPem,
      origin: deps.logSigner.origin, algorithm: 'ecdsa-p256-sha256' };
    ctx.body = key;
  });

  router.get('/v1/log/tree-head', requireRead(deps), async (ctx) => {
    const size = text(ctx, 'tree_size') === undefined ? undefined : integer(ctx, 'tree_size');
    ctx.body = await signedTreeHead(deps.db, deps.logSigner, size);
  });

  router.get('/v1/log/entries', requireRead(deps), async (ctx) => {
    ctx.body = { entries: await entriesFor(deps, ctx) };
  });

  router.get('/v1/log/proof/inclusion', requireRead(deps), async (ctx) => {
    const index = integer(ctx, 'index');
    const size = integer(ctx, 'tree_size');
    await sizeAtMost(deps.db, size, 'tree_size');
    if (index >= size) {
      throw new RegistryError('request_invalid',
        `\`index\` ${index} is not below tree_size ${size}`);
    }
    const [leaf, ...path] = await withNodes(
      (node) => [node(0, index), ...inclusionPath(index, 0, size, node)],
      (c) => readNodes(deps.db, c));
    ctx.body = { index, tree_size: size, leaf_hash: leaf!.toString('hex'),
      audit_path: path.map((h) => h.toString('hex')) };
  });

  router.get('/v1/log/proof/consistency', requireRead(deps), async (ctx) => {
    const first = integer(ctx, 'first');
    const second = integer(ctx, 'second');
    await sizeAtMost(deps.db, second, 'second');
    if (first > second) {
      throw new RegistryError('request_invalid', '`first` must not be past `second`');
    }
    const proof = await withNodes((node) => consistencyPath(first, second, node),
      (c) => readNodes(deps.db, c));
    ctx.body = { first, second, proof: proof.map((h) => h.toString('hex')) };
  });
};
