/**
 * The registry's answers about a followed deployment, checked at the edge:
 * the deployment, the list of its policy bundles and each bundle. An answer
 * that is not JSON (a proxy's error page) or lacks a field the follower
 * reads is `deployment_invalid`, naming the request and the field, rather
 * than a TypeError deep in the reload.
 */
import { KernelError } from './errors.js';
import type { BundleView, DeploymentView, PinnedPack } from './registry_source.js';

/** `text` as JSON; `where` names the request (`GET /v1/deployments/prod`). */
export function parseAnswer(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const start = JSON.stringify(text.slice(0, 60));
    throw new KernelError('deployment_invalid', `${where}: the registry's answer is not ` +
      `JSON (it starts ${start})`);
  }
}

type Fields = Record<string, unknown>;

function object(value: unknown, where: string, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, path, 'an object', value);
  }
  return value as Fields;
}

function text(fields: Fields, key: string, where: string, path: string): string {
  const value = fields[key];
  if (typeof value !== 'string') throw invalid(where, `${path}/${key}`, 'a string', value);
  return value;
}

function whole(fields: Fields, key: string, where: string, path: string): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(where, `${path}/${key}`, 'a whole number', value);
  }
  return value;
}

function list(fields: Fields, key: string, where: string, path: string): unknown[] {
  const value = fields[key];
  if (!Array.isArray(value)) throw invalid(where, `${path}/${key}`, 'a list', value);
  return value;
}

function invalid(where: string, path: string, expected: string, value: unknown): KernelError {
  const got = value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 60);
  return new KernelError('deployment_invalid', `${where}: ${path || '/'} holds ${got}, ` +
    `expected ${expected}`);
}

/** A deployment as `GET /v1/deployments/NAME` answers it. */
export function toDeploymentView(body: unknown, where: string): DeploymentView {
  const view = object(body, where, '');
  const packs = list(view, 'packs', where, '').map((value, i): PinnedPack => {
    const path = `/packs/${i}`;
    const pin = object(value, where, path);
    return { id: text(pin, 'id', where, path), range: text(pin, 'range', where, path),
      version: text(pin, 'version', where, path), sha256: text(pin, 'sha256', where, path),
      key_id: text(pin, 'key_id', where, path) };
  });
  return { name: text(view, 'name', where, ''), tenant: text(view, 'tenant', where, ''), packs,
    packs_snapshot_hash: text(view, 'packs_snapshot_hash', where, ''),
    snapshot_hash: text(view, 'snapshot_hash', where, ''),
    generation: whole(view, 'generation', where, '') };
}

/** The names `GET /v1/deployments/NAME/policy-bundles` lists. */
export function toBundleNames(body: unknown, where: string): string[] {
  const bundles = list(object(body, where, ''), 'bundles', where, '');
  return bundles.map((value, i) => text(object(value, where, `/bundles/${i}`), 'name', where,
    `/bundles/${i}`));
}

/** One policy bundle, as `GET /v1/deployments/NAME/policy-bundles/BUNDLE` answers it. */
export function toBundleView(body: unknown, where: string): BundleView {
  const bundle = object(body, where, '');
  return { name: text(bundle, 'name', where, ''),
    fragment: object(bundle.fragment, where, '/fragment'),
    version: whole(bundle, 'version', where, '') };
}
