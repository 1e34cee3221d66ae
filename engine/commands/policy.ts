/**
 * Bodies of the `cordum policy` commands. `lint` and a local `explain`
 * read policy files; `history`, `rollback`, `simulate` and a remote
 * `explain` talk to a running engine over its HTTP API.
 */
import { isHttpUrl } from '../../packs/http_url.js';
import { jsonFlag } from '../../cli/json_flag.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import { loadCandidateOrProject } from '../kernel/candidate.js';
import { KernelError } from '../kernel/errors.js';
import { explainDecision, type Explanation } from '../kernel/explain.js';
import { lintRules, type LintFinding } from '../../packs/policy/lint.js';
import { toPolicyRequest } from '../kernel/request.js';
import { MAX_SIMULATE_LIMIT, simulateLimit, type Impact } from '../kernel/simulate.js';
import type { HistoryEntry } from '../kernel/history.js';

export interface EngineApiFlags {
  engine?: string;
  token?: string;
}

function engineUrl(flags: EngineApiFlags): string {
  const given = flags.engine ?? process.env.CORDUM_ENGINE_URL ?? 'http://127.0.0.1:8787';
  const from = flags.engine !== undefined ? '--engine' : 'CORDUM_ENGINE_URL';
  if (!isHttpUrl(given)) {
    throw new KernelError('usage', `${from} must be the engine's http(s) URL such as ` +
      `http://127.0.0.1:8787, not "${given}"`);
  }
  const { username, password } = new URL(given);
  if (username || password) {
    // Never echoed: the engine's admin token goes in --token, not in the URL.
    throw new KernelError('usage', `${from} must not carry a user or password; give the ` +
      'admin token with --token or CORDUM_ENGINE_ADMIN_TOKEN');
  }
  return given.replace(/\/+$/, '');
}

async function call<T>(flags: EngineApiFlags, method: string, path: string, body?: unknown,
  admin = false): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = flags.token ?? process.env.CORDUM_ENGINE_ADMIN_TOKEN;
  if (admin && token) headers.authorization = `Bearer ${token}`;
  const url = `${engineUrl(flags)}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, signal: AbortSignal.timeout(60_000),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (err) {
    throw new KernelError('engine_unreachable', `${method} ${url}: no engine answered (${
      err instanceof Error ? err.message : String(err)}); start one with \`cordum engine ` +
      'serve`, or name it with --engine URL or CORDUM_ENGINE_URL');
  }
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    // A 404 for the route itself: what answered is not an engine (a registry, say).
    const notEngine = res.status === 404 &&
      (answer.code === undefined || answer.code === 'not_found');
    const detail = notEngine ? `${url} has no such route: is ${engineUrl(flags)} an engine ` +
      '(`cordum engine serve`)? A registry\'s URL is not one' : String(answer.detail ?? res.status);
    throw Object.assign(new Error(`${method} ${path}: ${detail}`),
      { code: notEngine ? 'engine_error' : String(answer.code ?? 'engine_error') });
  }
  return answer as T;
}

export interface LintResult {
  rules: number;
  snapshotHash: string;
  findings: LintFinding[];
}

export async function lintBody(path: string): Promise<LintResult> {
  const snapshot = await loadCandidateOrProject(path);
  return { rules: snapshot.rules.length, snapshotHash: snapshot.hash,
    findings: lintRules(snapshot.rules) };
}

export function lintLines(r: LintResult): string[] {
  // Rules of two packs are named with their packs (`github/github-write`).
  const named = (f: LintFinding) => f.packId !== undefined && f.packId !== f.byPackId
    ? [`${f.packId}/${f.ruleId}`, `${f.byPackId ?? '?'}/${f.byRuleId}`]
    : [f.ruleId, f.byRuleId];
  const lines = r.findings.map((f) => {
    const [rule, by] = named(f);
    return `${f.kind}: ${rule} (by ${by}): ${f.message}`;
  });
  const shadowed = r.findings.filter((f) => f.kind === 'shadowed').length;
  const conflicting = r.findings.filter((f) => f.kind === 'conflict').length;
  lines.push(`${counted(r.rules, 'rule')}, ${shadowed} shadowed, ${conflicting} conflicting`);
  return lines;
}

function requestOf(text: string) {
  return toPolicyRequest(jsonFlag(text, '--request'), '--request');
}

export async function explainBody(flags: EngineApiFlags & { request: string;
  candidate?: string }): Promise<Explanation> {
  if (flags.candidate !== undefined && flags.engine !== undefined) {
    throw new KernelError('usage', '--candidate explains against that policy here, asking no ' +
      'engine: give --candidate or --engine, not both');
  }
  const request = requestOf(flags.request);
  if (flags.candidate) {
    return explainDecision(await loadCandidateOrProject(flags.candidate), request);
  }
  const answer = await call<{ explanation: Explanation }>(flags, 'POST',
    '/v1/policy/decide?explain=1', request);
  return answer.explanation;
}

/** A snapshot as a fragment document the engine accepts (the hash does not change). */
/**
 * The candidate as the simulate route takes it: one fragment per run of
 * rules from one source (pack or bundle), in order, so rules of different
 * packs that share an id are each checked within their own fragment.
 */
function asCandidate(snapshot: PolicySnapshot): Record<string, unknown> {
  const fragments: { rules: Record<string, unknown>[]; default_tenant?: string }[] = [];
  let from: string | undefined;
  for (const { source, ...rule } of snapshot.rules) {
    const packId = source?.packId ?? '';
    if (fragments.length === 0 || packId !== from) fragments.push({ rules: [] });
    from = packId;
    fragments.at(-1)!.rules.push(rule);
  }
  if (fragments.length === 0) fragments.push({ rules: [] });
  if (snapshot.defaultTenant !== undefined) fragments[0]!.default_tenant = snapshot.defaultTenant;
  return { fragments };
}

export async function simulateBody(flags: EngineApiFlags & { candidate: string;
  limit?: string }): Promise<Impact> {
  // The flags first, --limit as the server checks it: a bad one is a usage error (exit 2)
  // before the candidate is read.
  engineUrl(flags);
  const { limit } = flags;
  if (limit !== undefined && simulateLimit(limit) === undefined) {
    throw Object.assign(new Error(`--limit must be a whole number from 1 to ` +
      `${MAX_SIMULATE_LIMIT}, not "${limit}"`), { code: 'usage' });
  }
  const candidate = asCandidate(await loadCandidateOrProject(flags.candidate));
  const query = flags.limit ? `?limit=${encodeURIComponent(flags.limit)}` : '';
  return call<Impact>(flags, 'POST', `/v1/policy/simulate${query}`, { candidate });
}

interface HistoryAnswer {
  active: number;
  snapshots: HistoryEntry[];
  next_before?: number;
}

/** Every kept snapshot, newest first: the engine answers a page at a time. */
export async function historyBody(flags: EngineApiFlags) {
  const first = await call<HistoryAnswer>(flags, 'GET', '/v1/policy/history');
  const snapshots = [...first.snapshots];
  let before = first.next_before;
  // Bounded: each page starts below the last one's oldest version, so versions only fall.
  while (before !== undefined) {
    const page: HistoryAnswer = await call<HistoryAnswer>(flags, 'GET',
      `/v1/policy/history?before=${before}&limit=1000`);
    snapshots.push(...page.snapshots);
    before = page.next_before !== undefined && page.next_before < before
      ? page.next_before : undefined;
  }
  return { active: first.active, snapshots };
}

export function historyLines(h: { active: number; snapshots: HistoryEntry[] }): string[] {
  return h.snapshots.map((s) => {
    const mark = s.version === h.active ? '*' : ' ';
    const from = s.source.kind === 'deployment' ? ` ${s.source.deployment}@gen${
      s.source.generation}` : s.source.kind === 'rollback' ? ` of v${s.source.restored}` : '';
    return `${mark} v${s.version}  ${s.createdAt}  ${s.hash.slice(0, 19)}  ` +
      `${counted(s.rules, 'rule')}  ${s.source.kind}${from}`;
  });
}

export function rollbackBody(flags: EngineApiFlags & { version: string }) {
  // Whole digits only: `1.5` or `1abc` is not version 1.
  const digits = flags.version.replace(/^v/, '');
  const version = /^[0-9]{1,9}$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isInteger(version) || version < 1) {
    throw Object.assign(new Error('VERSION must be a version number from `cordum policy ' +
      `history\` (1, or v1), not "${flags.version}"`), { code: 'usage' });
  }
  return call<{ version: number; hash: string }>(flags, 'POST', '/v1/policy/rollback',
    { version }, true);
}

/** `1 rule`, `2 rules`. */
function counted(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
