/**
 * `cordum_policy_bundle`: policy rules attached to a deployment, declared
 * as `rule` blocks or read from a fragment file. Its hash is known at plan
 * time (SHA-256 of the canonical fragment); its version goes up when the
 * rules change.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CordumClient } from '../config.js';
import type { PolicyBundleInfo } from '../clients/registry_types.js';
import { atMissingDeployment, isProviderError, ProviderError } from '../errors.js';
import { mustStr, objects, str } from '../framework/access.js';
import { error, type Diagnostic } from '../framework/diagnostics.js';
import type { Resource, State } from '../framework/resource.js';
import { isObject, isUnknown, isWhollyKnown, UNKNOWN } from '../framework/values.js';
import { name } from '../validators.js';
import { fromFragmentJson, ruleBlock, toFragmentJson, unexpressed } from './policy_rules.js';

const out = (description: string) => ({ type: 'string' as const, computed: true, description });

/** The fragment this configuration declares, or null while parts are unknown. */
async function fragmentOf(state: State, cwd: string): Promise<Record<string, unknown> | null> {
  const file = state.fragment_file;
  if (isUnknown(file)) return null;
  if (typeof file === 'string') return readFragmentFile(file, cwd);
  const rules = state.rule;
  // A value inside a rule known only at apply (a topic from another resource) leaves the
  // fragment, and so its hash, unknown until then.
  if (!isWhollyKnown(rules ?? null)) return null;
  const fragment: Record<string, unknown> = {
    rules: objects(state, 'rule').map((r) => toFragmentJson(ruleBlock, r)),
  };
  const tenant = state.default_tenant;
  if (isUnknown(tenant)) return null;
  if (typeof tenant === 'string') fragment.default_tenant = tenant;
  return fragment;
}

/** Reads `path` (relative to Terraform's folder `cwd`); messages name it as written. */
async function readFragmentFile(path: string, cwd: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw new ProviderError('file_unreadable', `Cannot read the fragment file "${path}".`, {
      path: ['fragment_file'],
      cause: err,
    });
  }
  const { parseYaml } = await import('../../packs/documents.js');
  const { checkFormat } = await import('../../packs/schemas.js');
  const doc = parseYaml(text, path);
  const issues = checkFormat('policy-fragment', doc, path);
  if (issues.length > 0 || !doc || typeof doc !== 'object') {
    const why = issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
    throw new ProviderError('pack_invalid', `"${path}" is not a policy fragment: ${why}.`, {
      hint: "Fix the fragment file; its format is Cordum's policy fragment.",
      path: ['fragment_file'],
    });
  }
  return doc as Record<string, unknown>;
}

async function hashOf(fragment: Record<string, unknown>): Promise<string> {
  const { canonicalJson } = await import('../../packs/canonical.js');
  const { sha256Hex } = await import('../../packs/digest.js');
  return `sha256:${sha256Hex(canonicalJson(fragment))}`;
}

function stateOf(b: PolicyBundleInfo, prior: State): State {
  const base: State = {
    ...prior,
    id: `${b.deployment}/${b.name}`,
    deployment: b.deployment,
    name: b.name,
    hash: b.hash,
    version: b.version,
  };
  // Bundles declared in HCL (and imported ones) read their rules back as blocks.
  if (typeof prior.fragment_file !== 'string') {
    const rules = Array.isArray(b.fragment.rules) ? b.fragment.rules : [];
    base.rule = rules.map((r) => fromFragmentJson(ruleBlock, r as Record<string, unknown>));
    base.default_tenant =
      typeof b.fragment.default_tenant === 'string' ? b.fragment.default_tenant : null;
  }
  return base;
}

/**
 * A refusal the registry pinned on one rule (`/rules/1/id`: an id another
 * bundle of the deployment has), pointed at that `rule` block's attribute.
 */
function atRule(err: unknown): unknown {
  if (!isProviderError(err) || err.path !== undefined) return err;
  for (const pointer of err.remotePaths) {
    const m = /^\/rules\/(\d+)\/([a-z_]+)/.exec(pointer);
    if (!m) continue;
    const field = m[2] === 'remediations' ? 'remediation' : m[2]!;
    return field in ruleBlock.attributes || field in (ruleBlock.blocks ?? {})
      ? err.at(['rule', Number(m[1]), field]) : err.at(['rule', Number(m[1])]);
  }
  return err;
}

/** Saves the bundle; a create never replaces one that exists (a conflict: import it). */
async function put(planned: State, client: CordumClient, createOnly: boolean): Promise<State> {
  const fragment = await fragmentOf(planned, client.cwd);
  if (!fragment) throw new Error('the fragment is unknown at apply');
  const saved = await client.registry.putPolicyBundle(
    mustStr(planned, 'deployment'),
    mustStr(planned, 'name'),
    fragment,
    createOnly,
  ).catch((err: unknown) => {
    throw atRule(atMissingDeployment(err));
  });
  return {
    ...stateOf(saved, planned),
    rule: planned.rule ?? [],
    default_tenant: planned.default_tenant ?? null,
  };
}

/** Keys a fragment holds beside its rules that no attribute here sets. */
const FRAGMENT_KEYS = new Set(['rules', 'default_tenant', 'version']);

/**
 * What updating a bundle kept as `rule` blocks would drop: the fields of
 * the registry's fragment that the blocks cannot hold (an imported bundle's
 * `match.mcp`, its `templates`). Looked up only when the blocks read back do
 * not hash to the registry's fragment; a `version` line alone is dropped freely.
 */
async function droppedByUpdate(prior: State, client: CordumClient): Promise<string[]> {
  if (typeof prior.fragment_file === 'string' || typeof prior.hash !== 'string') return [];
  const shown = await fragmentOf(prior, client.cwd);
  if (!shown || (await hashOf(shown)) === prior.hash) return [];
  const found = await client.registry.policyBundle(mustStr(prior, 'deployment'),
    mustStr(prior, 'name'));
  if (!found) return [];
  const lost = Object.keys(found.fragment).filter((k) => !FRAGMENT_KEYS.has(k))
    .map((k) => `/${k}`);
  const rules = Array.isArray(found.fragment.rules) ? found.fragment.rules : [];
  rules.forEach((r, i) => {
    if (r && typeof r === 'object') {
      lost.push(...unexpressed(ruleBlock, r as Record<string, unknown>, `/rules/${i}`));
    }
  });
  return lost;
}

function droppedError(lost: string[]): Diagnostic {
  const more = lost.length > 5 ? `, and ${lost.length - 5} more` : '';
  const some = lost.slice(0, 5).join(', ') + more;
  return error('Policy Would Be Dropped', `The registry's bundle holds fields that \`rule\` ` +
    `blocks cannot express (${some}); writing the rules back from blocks would remove them. ` +
    'Manage this bundle with `fragment_file` (import it as `<deployment>/<name>/<file>`), or ' +
    'remove those fields from the bundle in the registry first.', ['rule']);
}

export const policyBundle: Resource<CordumClient> = {
  name: 'cordum_policy_bundle',
  schema: {
    version: 0,
    block: {
      description: "Policy rules attached to a deployment; they take precedence over packs' rules.",
      attributes: {
        id: { ...out('`<deployment>/<name>`.'), stable: true },
        deployment: {
          type: 'string',
          required: true,
          replace: true,
          description: 'Name of the deployment.',
          validate: name,
        },
        name: {
          type: 'string',
          required: true,
          replace: true,
          description: 'Bundle name.',
          validate: name,
        },
        fragment_file: {
          type: 'string',
          optional: true,
          description: 'A policy fragment YAML file to use instead of `rule` blocks.',
        },
        default_tenant: {
          type: 'string',
          optional: true,
          description: 'Tenant of requests naming none.',
        },
        hash: out('`sha256:` of the canonical fragment.'),
        version: { type: 'number', computed: true, description: 'Goes up when the rules change.' },
      },
      blocks: {
        rule: {
          nesting: 'list',
          block: ruleBlock,
          description: 'A rule; the first match decides.',
        },
      },
    },
  },

  validate(config): Diagnostic[] {
    const file = config.fragment_file;
    const rules = config.rule;
    if (isUnknown(file) || isUnknown(rules)) return [];
    const hasRules = Array.isArray(rules) && rules.length > 0;
    if (typeof file === 'string' && hasRules) {
      return [
        error('Conflicting Policy Sources', 'Use `fragment_file` or `rule` blocks, not both.', [
          'fragment_file',
        ]),
      ];
    }
    // A fragment file is sent as it is: a default_tenant beside it would be ignored unseen.
    if (typeof file === 'string' && typeof config.default_tenant === 'string') {
      return [
        error('Conflicting Policy Sources', '`default_tenant` goes with `rule` blocks; with ' +
          '`fragment_file`, set `default_tenant` in the fragment file.', ['default_tenant']),
      ];
    }
    if (typeof file !== 'string' && !hasRules) {
      return [
        error('Missing Policy Rules', 'Declare at least one `rule` block or set `fragment_file`.', [
          'rule',
        ]),
      ];
    }
    // A rule id names one rule in the bundle (explanations and decisions report it).
    const seen = new Set<string>();
    const twice: Diagnostic[] = [];
    (Array.isArray(rules) ? rules : []).forEach((rule, i) => {
      const id = isObject(rule) ? rule.id : undefined;
      if (typeof id !== 'string') return;
      if (seen.has(id)) {
        twice.push(error('Duplicate Rule Id', `Rule id "${id}" is used by an earlier rule ` +
          'block; each rule in a bundle needs its own id.', ['rule', i, 'id']));
      }
      seen.add(id);
    });
    return twice;
  },

  async modifyPlan({ planned, prior }, client) {
    const deployment = str(planned, 'deployment');
    const bundle = str(planned, 'name');
    // Known only when both names are.
    const id = deployment !== null && bundle !== null ? `${deployment}/${bundle}`
      : UNKNOWN;
    const fragment = await fragmentOf(planned, client.cwd);
    if (!fragment) return { planned: { ...planned, id, hash: UNKNOWN, version: UNKNOWN } };
    const hash = await hashOf(fragment);
    const same = prior !== null && prior.hash === hash;
    const lost = same || prior === null ? [] : await droppedByUpdate(prior, client);
    return {
      planned: {
        ...planned,
        id,
        hash,
        version: same ? (prior.version ?? null) : UNKNOWN,
      },
      ...(lost.length > 0 ? { diagnostics: [droppedError(lost)] } : {}),
    };
  },

  create: (planned, _config, client) => put(planned, client, true),
  update: (_prior, planned, _config, client) => put(planned, client, false),

  async read(state, client) {
    const found = await client.registry.policyBundle(
      mustStr(state, 'deployment'),
      mustStr(state, 'name'),
    );
    return found ? stateOf(found, state) : null;
  },

  async delete(state, client) {
    await client.registry.deletePolicyBundle(mustStr(state, 'deployment'), mustStr(state, 'name'));
  },

  async importState(id) {
    // `<deployment>/<name>`, or `<deployment>/<name>/<fragment file>` for file-based bundles.
    const [deployment, bundle, ...rest] = id.split('/');
    if (!deployment || !bundle) {
      throw new ProviderError('import_id_invalid', `"${id}" is not \`<deployment>/<name>\`.`, {
        hint:
          'Import as `terraform import cordum_policy_bundle.x prod/guardrails`, or with the ' +
          'fragment file it was made from: `prod/guardrails/policy/guardrails.yaml`.',
      });
    }
    const file = rest.join('/');
    return { id: `${deployment}/${bundle}`, deployment, name: bundle, fragment_file: file || null };
  },
};
