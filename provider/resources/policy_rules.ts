/**
 * The HCL shape of policy rules (`rule` blocks with `match`, `constraints`
 * and `remediation` blocks) and its translation to and from Cordum's policy
 * fragment format. The translation round-trips: reading a bundle made from
 * HCL gives back the same blocks, so an imported bundle plans clean.
 */
import { error, type Diagnostic } from '../framework/diagnostics.js';
import type { Attribute, Block } from '../framework/schema.js';
import { types } from '../framework/types.js';
import { isObject, isUnknown, type ObjectValue, type Value } from '../framework/values.js';
import { eachOf, nonEmpty, oneOf } from '../validators.js';
import { DECISION_NAMES } from '../../packs/policy/decisions.js';
import { checkGlob } from '../../packs/policy/glob.js';

const strings = (description: string, extra: Partial<Attribute> = {}): Attribute => ({
  type: types.list('string'),
  optional: true,
  description,
  ...extra,
});
const text = (description: string): Attribute => ({ type: 'string', optional: true, description });
/**
 * A budget: a whole number, zero or more (the fragment format's `integer`,
 * `minimum: 0`), and exact in a JavaScript number: a larger one would be
 * planned as a neighbour of what was written, which Terraform refuses.
 */
const number = (description: string): Attribute => ({
  type: 'number',
  optional: true,
  description,
  validate: (value, path) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? []
      : [error('Invalid Budget', `${String(value)} is not a whole number from 0 to ` +
        `${Number.MAX_SAFE_INTEGER}.`, path)],
});
const flag = (description: string): Attribute => ({ type: 'bool', optional: true, description });

const topicGlob = eachOf((value, path): Diagnostic[] => {
  try {
    checkGlob(String(value));
    return [];
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return [
      error('Invalid Topic Glob', `"${String(value)}" is not a valid topic glob: ${why}.`, path),
    ];
  }
});

const matchBlock: Block = {
  attributes: {
    tenants: strings('Tenants (exact, case-insensitive).'),
    topics: strings(
      'Topic globs in the style of Go `path.Match` (`*` stays within a `/` segment).',
      {
        validate: topicGlob,
      },
    ),
    capabilities: strings('Capabilities (exact).'),
    risk_tags: strings('Matches when the request has at least one.'),
    requires: strings('Matches when the request has all of them.'),
    pack_ids: strings('Pack ids.'),
    actor_ids: strings('Actor ids.'),
    actor_types: strings('Actor types.'),
    labels: { type: types.map('string'), optional: true, description: 'Every key must equal.' },
    secrets_present: flag('Whether the request carries secrets.'),
  },
};

const constraintsBlock: Block = {
  attributes: { redaction_level: text('Redaction level of outputs.') },
  blocks: {
    budgets: {
      nesting: 'single',
      block: {
        attributes: {
          max_runtime_ms: number('Longest run, in milliseconds.'),
          max_retries: number('Most retries.'),
          max_artifact_bytes: number('Largest artifact.'),
          max_concurrent_jobs: number('Most jobs at once.'),
        },
      },
    },
    sandbox: {
      nesting: 'single',
      block: {
        attributes: {
          isolated: flag('Run isolated.'),
          network_allowlist: strings('Hosts it may reach.'),
          fs_read_only: strings('Read-only paths.'),
          fs_read_write: strings('Writable paths.'),
        },
      },
    },
    toolchain: {
      nesting: 'single',
      block: {
        attributes: {
          allowed_tools: strings('Tools it may use.'),
          allowed_commands: strings('Commands it may run.'),
        },
      },
    },
    diff: {
      nesting: 'single',
      block: {
        attributes: {
          max_files: number('Most files changed.'),
          max_lines: number('Most lines changed.'),
          deny_path_globs: strings('Paths it must not touch.'),
        },
      },
    },
  },
};

const remediationBlock: Block = {
  attributes: {
    id: text('Remediation id.'),
    title: text('Title.'),
    summary: text('What to do instead.'),
    replacement_topic: text('A safer topic.'),
    replacement_capability: text('A safer capability.'),
    add_labels: { type: types.map('string'), optional: true, description: 'Labels to add.' },
    remove_labels: strings('Labels to remove.'),
  },
};

export const ruleBlock: Block = {
  attributes: {
    id: {
      type: 'string',
      required: true,
      description: 'Rule id, unique in the bundle.',
      // The fragment format wants one (minLength 1): refused at plan, not by the registry.
      validate: nonEmpty('Rule Id'),
    },
    decision: {
      type: 'string',
      required: true,
      description:
        'allow, deny, require_approval, allow_with_constraints or throttle (or an alias).',
      validate: oneOf(DECISION_NAMES, 'Decision'),
    },
    reason: text('Why, shown with the decision.'),
  },
  blocks: {
    match: { nesting: 'single', block: matchBlock, description: 'When the rule applies.' },
    constraints: { nesting: 'single', block: constraintsBlock, description: 'Limits on an allow.' },
    remediation: { nesting: 'list', block: remediationBlock, description: 'Safer alternatives.' },
  },
};

/** HCL object → fragment JSON: unset attributes and blocks are left out. */
export function toFragmentJson(block: Block, value: ObjectValue): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(block.attributes)) {
    const v = value[name];
    if (v !== null && v !== undefined && !isUnknown(v)) out[name] = v;
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const v = value[name] ?? null;
    const key = name === 'remediation' ? 'remediations' : name;
    if (nested.nesting === 'single' && isObject(v)) out[key] = toFragmentJson(nested.block, v);
    if (nested.nesting === 'list' && Array.isArray(v) && v.length > 0) {
      out[key] = v.filter(isObject).map((x) => toFragmentJson(nested.block, x));
    }
  }
  return out;
}

/** Fragment JSON → HCL object, every attribute present (null when absent). */
export function fromFragmentJson(block: Block, json: Record<string, unknown>): ObjectValue {
  const out: ObjectValue = {};
  for (const name of Object.keys(block.attributes)) out[name] = (json[name] ?? null) as Value;
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const v = json[name === 'remediation' ? 'remediations' : name];
    if (nested.nesting === 'single') {
      out[name] =
        v && typeof v === 'object'
          ? fromFragmentJson(nested.block, v as Record<string, unknown>)
          : null;
    } else {
      out[name] = Array.isArray(v)
        ? v.map((x) => fromFragmentJson(nested.block, x as Record<string, unknown>))
        : [];
    }
  }
  return out;
}

/**
 * JSON pointers under `at` of what `json` holds and `block` has no place
 * for (a `match.mcp` list, a key of a later format): what writing the
 * bundle back from blocks would drop.
 */
export function unexpressed(block: Block, json: Record<string, unknown>, at: string): string[] {
  const lost: string[] = [];
  for (const [key, v] of Object.entries(json)) {
    if (v === null || v === undefined || key in block.attributes) continue;
    // The fragment's `remediations` is the `remediation` block (see toFragmentJson).
    const name = key === 'remediations' ? 'remediation' : key === 'remediation' ? '' : key;
    const nested = block.blocks?.[name];
    if (!nested) {
      lost.push(`${at}/${key}`);
    } else if (nested.nesting === 'single' && isObjectJson(v)) {
      lost.push(...unexpressed(nested.block, v, `${at}/${key}`));
    } else if (nested.nesting === 'list' && Array.isArray(v)) {
      v.forEach((x, i) => {
        if (isObjectJson(x)) lost.push(...unexpressed(nested.block, x, `${at}/${key}/${i}`));
      });
    }
  }
  return lost;
}

function isObjectJson(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
