/**
 * Converts a policy fragment in the legacy form (`tenants.<t>.deny_topics`
 * and `allow_topics`) into rules, with the loader's own conversion
 * (policy/fragment.ts), so the rules, their order and ids, and so every
 * decision and the snapshot hash stay exactly what they were. Comments and
 * the other fields of the document are kept.
 */
import { parseDocument } from 'yaml';
import { parseYaml } from '../documents.js';
import { toFragment, type RawFragment } from '../policy/fragment.js';
import { snapshotHash } from '../policy/snapshot.js';

export interface FragmentMigration {
  file: string;
  changed: boolean;
  before: string;
  after: string;
  /** What was done, or why nothing was. */
  notes: string[];
  /** Snapshot hashes of the fragment before and after: equal by construction, checked. */
  hashBefore: string;
  hashAfter: string;
}

function hashOf(raw: RawFragment, file: string): string {
  const fragment = toFragment(raw, { file });
  return snapshotHash(fragment.rules, fragment.default_tenant);
}

export function migrateFragment(file: string, text: string): FragmentMigration {
  const raw = (parseYaml(text, file) ?? {}) as RawFragment;
  const hashBefore = hashOf(raw, file);
  const same = (notes: string[]): FragmentMigration => ({ file, changed: false, before: text,
    after: text, notes, hashBefore, hashAfter: hashBefore });
  if (raw.tenants === undefined) return same(['already in the rules form']);

  const doc = parseDocument(text);
  const notes: string[] = [];
  if (raw.rules && raw.rules.length > 0) {
    // The loader ignores `tenants` when rules exist: dropping it changes no decision.
    notes.push('removed `tenants`: it was ignored, because the fragment has rules');
  } else {
    const { rules } = toFragment(raw, { file });
    const plain = rules.map(({ source: _source, ...rule }) => rule);
    doc.set('rules', doc.createNode(plain));
    notes.push(`turned ${Object.keys(raw.tenants).length} tenants into ${plain.length} rules`);
  }
  doc.delete('tenants');
  const after = doc.toString({ lineWidth: 0 });
  const hashAfter = hashOf((parseYaml(after, file) ?? {}) as RawFragment, file);
  return { file, changed: true, before: text, after, notes, hashBefore, hashAfter };
}
