/**
 * In-process policy decisions per second: the real packs' merged snapshot,
 * and a synthetic 200-rule policy where most requests fall through to late
 * rules (the slow case for a first-match scan).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPackDir } from '../packs/bundle/source.js';
import { loadPack } from '../packs/load.js';
import { decide } from '../packs/policy/evaluate.js';
import { buildSnapshot } from '../packs/policy/snapshot.js';
import type { PolicyRequest, PolicySnapshot, Rule } from '../packs/policy/types.js';
import { printTable } from './table.js';

function realSnapshot(root: string): PolicySnapshot {
  const dirs = [join(root, 'examples', 'packs'), join(root, '..', 'shared', 'fixtures',
    'cordum-packs')];
  const inputs = dirs.flatMap((d) => {
    let names: string[] = [];
    try {
      names = readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
    return names.map((n) => loadPack(readPackDir(join(d, n))));
  }).flatMap((pack) => pack.fragments.map((f) => ({ packId: pack.manifest.metadata.id,
    fragment: f.fragment })));
  return buildSnapshot(inputs);
}

function syntheticSnapshot(count: number): PolicySnapshot {
  const rules: Rule[] = [];
  for (let i = 0; i < count; i++) {
    rules.push({
      id: `rule-${i}`,
      match: { topics: [`job.pack${i % 40}.op${i}`], risk_tags: i % 3 === 0 ? ['write'] : [] },
      decision: i % 5 === 0 ? 'deny' : i % 7 === 0 ? 'require_approval' : 'allow',
    });
  }
  return buildSnapshot([{ packId: 'synthetic', fragment: { rules } }]);
}

function measure(snapshot: PolicySnapshot, requests: PolicyRequest[], seconds: number) {
  // Warm up, then count whole passes until the time is up.
  for (let i = 0; i < 20_000; i++) decide(snapshot, requests[i % requests.length]!);
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let n = 0;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 10_000; i++) decide(snapshot, requests[(n + i) % requests.length]!);
    n += 10_000;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return n / elapsed;
}

export function runPolicyBench(root: string, seconds = 2) {
  const real = realSnapshot(root);
  const realRequests: PolicyRequest[] = real.rules.map((r) => ({
    tenantId: 'default',
    topic: (r.match.topics?.[0] ?? 'job.x.y').replace('*', 'any'),
    riskTags: r.match.risk_tags ?? [],
    packId: r.match.pack_ids?.[0] ?? 'x',
  }));
  const synthetic = syntheticSnapshot(200);
  const synthRequests: PolicyRequest[] = Array.from({ length: 1000 }, (_, i) => ({
    tenantId: 'default',
    topic: `job.pack${i % 40}.op${(i * 7) % 260}`,
    riskTags: i % 2 ? ['write'] : ['read'],
  }));
  const rows = [
    ['real packs (merged)', real.rules.length, measure(real, realRequests, seconds)],
    ['synthetic, late matches', synthetic.rules.length,
      measure(synthetic, synthRequests, seconds)],
  ];
  printTable('Policy decisions in-process (first match, one core)', ['policy', 'rules',
    'decisions/s'], rows);
}
