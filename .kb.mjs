var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// storage/postgres.ts
var postgres_exports = {};
__export(postgres_exports, {
  openPostgres: () => openPostgres
});
import pg from "pg";
function wrap(client) {
  return {
    async query(sql, params = []) {
      const result = await client.query(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    }
  };
}
async function openPostgres(url, poolSize) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on("error", () => void 0);
  const base = wrap(pool);
  return {
    kind: "postgres",
    query: base.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const value = await fn(wrap(client));
        await client.query("COMMIT");
        return value;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => void 0);
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    }
  };
}
var init_postgres = __esm({
  "storage/postgres.ts"() {
    "use strict";
    pg.types.setTypeParser(20, (v) => Number(v));
    pg.types.setTypeParser(1700, (v) => Number(v));
  }
});

// storage/pglite.ts
var pglite_exports = {};
__export(pglite_exports, {
  openPglite: () => openPglite
});
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
function wrap2(client) {
  return {
    async query(sql, params = []) {
      const result = await client.query(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    }
  };
}
async function openPglite(dataDir) {
  mkdirSync(dirname(dataDir), { recursive: true });
  const db = await PGlite.create(dataDir, { parsers });
  const base = wrap2(db);
  return {
    kind: "pglite",
    query: base.query,
    transaction(fn) {
      return db.transaction((tx) => fn(wrap2(tx)));
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async close() {
      await db.close();
    }
  };
}
var parsers;
var init_pglite = __esm({
  "storage/pglite.ts"() {
    "use strict";
    parsers = { 20: (v) => Number(v), 1700: (v) => Number(v) };
  }
});

// bench/kernel.ts
import { createRequire as createRequire2 } from "node:module";
import { createServer as createServer2 } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";

// packs/policy/glob.ts
function globMatch(pattern, name) {
  let pi = 0;
  let si = 0;
  while (pi < pattern.length) {
    const star = pattern[pi] === "*";
    while (pattern[pi] === "*") pi++;
    const end = chunkEnd(pattern, pi);
    const last = end === pattern.length;
    if (star && pi === end) return !name.slice(si).includes("/");
    const here = matchChunk(pattern, pi, end, name, si);
    if (here >= 0 && (here === name.length || !last)) {
      pi = end;
      si = here;
      continue;
    }
    const skipped2 = star ? skipToChunk(pattern, pi, end, name, si, last) : -1;
    if (skipped2 < 0) return false;
    pi = end;
    si = skipped2;
  }
  return si === name.length;
}
function skipToChunk(p, pi, end, s, si, last) {
  for (let i = si; i < s.length && s[i] !== "/"; i += width(s, i)) {
    const t = matchChunk(p, pi, end, s, i + width(s, i));
    if (t >= 0 && (!last || t === s.length)) return t;
  }
  return -1;
}
function chunkEnd(p, start) {
  let inClass = false;
  for (let i = start; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "[") inClass = true;
    else if (p[i] === "]") inClass = false;
    else if (p[i] === "*" && !inClass) return i;
  }
  return p.length;
}
function matchChunk(p, pi, end, s, si) {
  while (pi < end) {
    if (si >= s.length) return -1;
    const c = p[pi];
    if (c === "[") {
      const cls = parseClass(p, pi);
      const cp = s.codePointAt(si);
      if (!cls || cls.ranges.some(([lo, hi]) => lo <= cp && cp <= hi) === cls.negated) return -1;
      pi = cls.end + 1;
      si += width(s, si);
    } else if (c === "?") {
      if (s[si] === "/") return -1;
      pi++;
      si += width(s, si);
    } else {
      if (c === "\\") pi++;
      if (pi >= end || p[pi] !== s[si]) return -1;
      pi++;
      si++;
    }
  }
  return si;
}
function width(s, i) {
  return (s.codePointAt(i) ?? 0) > 65535 ? 2 : 1;
}
function parseClass(p, start) {
  let i = start + 1;
  const negated = p[i] === "^";
  if (negated) i++;
  const ranges = [];
  const char = () => {
    if (i >= p.length || p[i] === "-" || p[i] === "]") return void 0;
    if (p[i] === "\\") i++;
    const cp = p.codePointAt(i);
    if (cp === void 0) return void 0;
    i += cp > 65535 ? 2 : 1;
    return cp;
  };
  while (!(p[i] === "]" && ranges.length > 0)) {
    const lo = char();
    if (lo === void 0) return void 0;
    let hi = lo;
    if (p[i] === "-") {
      i++;
      const upper = char();
      if (upper === void 0) return void 0;
      hi = upper;
    }
    ranges.push([lo, hi]);
  }
  return { end: i, negated, ranges };
}

// packs/policy/mcp.ts
function mcpMatches(m, call) {
  if (!call) return false;
  const dims = [
    [m.allow_servers, m.deny_servers, call.server],
    [m.allow_tools, m.deny_tools, call.tool],
    [m.allow_resources, m.deny_resources, call.resource],
    [m.allow_actions, m.deny_actions, call.action]
  ];
  return dims.some(([allow, deny, value]) => {
    if (value === void 0) return false;
    if (allow && allow.length > 0 && !allow.includes(value)) return true;
    return deny !== void 0 && deny.includes(value);
  });
}

// packs/policy/compile.ts
var GLOB_CHARS = /[*?[\\]/;
function topicMatcher(patterns) {
  const exact = new Set(patterns.filter((p) => !GLOB_CHARS.test(p)));
  const prefixes = patterns.filter((p) => p.endsWith("*") && !GLOB_CHARS.test(p.slice(0, -1))).map((p) => p.slice(0, -1));
  const globs = patterns.filter((p) => GLOB_CHARS.test(p) && !(p.endsWith("*") && !GLOB_CHARS.test(p.slice(0, -1))));
  return (topic) => exact.has(topic) || prefixes.some((p) => topic.startsWith(p) && !topic.includes("/", p.length)) || globs.some((g) => globMatch(g, topic));
}
function setOf(list) {
  return list && list.length > 0 ? new Set(list) : void 0;
}
function compileRule(rule) {
  const m = rule.match;
  const tenants = setOf(m.tenants?.map((t) => t.toLowerCase()));
  const topics = m.topics && m.topics.length > 0 ? topicMatcher(m.topics) : void 0;
  const capabilities = setOf(m.capabilities);
  const riskTags = m.risk_tags && m.risk_tags.length > 0 ? m.risk_tags : void 0;
  const requires = m.requires && m.requires.length > 0 ? m.requires : void 0;
  const packIds = setOf(m.pack_ids);
  const actorIds = setOf(m.actor_ids);
  const actorTypes = setOf(m.actor_types);
  const labels = m.labels ? Object.entries(m.labels) : void 0;
  const secrets = m.secrets_present;
  const mcp = m.mcp;
  const has = (set, v) => set === void 0 || v !== void 0 && set.has(v);
  return (r, tenant) => (tenants === void 0 || tenants.has(tenant)) && (topics === void 0 || r.topic !== void 0 && topics(r.topic)) && has(capabilities, r.capability) && (riskTags === void 0 || riskTags.some((t) => r.riskTags?.includes(t) === true)) && (requires === void 0 || requires.every((t) => r.requires?.includes(t) === true)) && has(packIds, r.packId) && has(actorIds, r.actorId) && has(actorTypes, r.actorType) && (labels === void 0 || labels.every(([k, v]) => r.labels?.[k] === v)) && (secrets === void 0 || secrets === (r.secretsPresent ?? false)) && (mcp === void 0 || mcpMatches(mcp, r.mcp));
}
var compiled = /* @__PURE__ */ new WeakMap();
function predicatesOf(snapshot) {
  let list = compiled.get(snapshot);
  if (!list) {
    list = snapshot.rules.map(compileRule);
    compiled.set(snapshot, list);
  }
  return list;
}

// packs/policy/index.ts
var GLOB_CHARS2 = /[*?[\\]/;
var CACHE_LIMIT = 4096;
function placementOf(rule) {
  const topics = rule.match.topics;
  if (!topics || topics.length === 0) return { kind: "always" };
  const literals = [];
  const prefixes = [];
  for (const t of topics) {
    if (!GLOB_CHARS2.test(t)) literals.push(t);
    else if (t.endsWith("*") && !GLOB_CHARS2.test(t.slice(0, -1))) prefixes.push(t.slice(0, -1));
    else return { kind: "always" };
  }
  return { kind: "keyed", literals, prefixes };
}
function push(map, key, i) {
  const list = map.get(key);
  if (list === void 0) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}
function mergeSorted(lists) {
  if (lists.length === 1) return Int32Array.from(lists[0]);
  const all = /* @__PURE__ */ new Set();
  for (const l of lists) for (const i of l) all.add(i);
  return Int32Array.from([...all].sort((a, b) => a - b));
}
function buildIndex(rules, predicates) {
  const always = [];
  const literal = /* @__PURE__ */ new Map();
  const prefix = /* @__PURE__ */ new Map();
  rules.forEach((rule, i) => {
    const p = placementOf(rule);
    if (p.kind === "always") always.push(i);
    else {
      for (const t of p.literals) push(literal, t, i);
      for (const t of p.prefixes) push(prefix, t, i);
    }
  });
  const lengths = new Set([...prefix.keys()].map((k) => k.length));
  const prefixLengths = [...lengths].sort((a, b) => a - b);
  const noTopic = Int32Array.from(always);
  let cache = /* @__PURE__ */ new Map();
  const compute = (topic) => {
    const lists = always.length > 0 ? [always] : [];
    const exact = literal.get(topic);
    if (exact) lists.push(exact);
    for (const len of prefixLengths) {
      if (len > topic.length) break;
      const list = prefix.get(topic.slice(0, len));
      if (list && !topic.includes("/", len)) lists.push(list);
    }
    return lists.length === 0 ? new Int32Array(0) : mergeSorted(lists);
  };
  return {
    predicates,
    candidates(topic) {
      if (topic === void 0) return noTopic;
      let found = cache.get(topic);
      if (found === void 0) {
        found = compute(topic);
        if (cache.size >= CACHE_LIMIT) cache = /* @__PURE__ */ new Map();
        cache.set(topic, found);
      }
      return found;
    }
  };
}
var indexes = /* @__PURE__ */ new WeakMap();
function indexOf(snapshot) {
  let index = indexes.get(snapshot);
  if (!index) {
    index = buildIndex(snapshot.rules, predicatesOf(snapshot));
    indexes.set(snapshot, index);
  }
  return index;
}
function firstMatchIndex(index, request, tenant) {
  const candidates = index.candidates(request.topic);
  const predicates = index.predicates;
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates[k];
    if (predicates[i](request, tenant)) return i;
  }
  return -1;
}

// packs/policy/evaluate.ts
var DEFAULT_TENANT = "default";
function tenantOf(snapshot, request) {
  return (request.tenantId || snapshot.defaultTenant || DEFAULT_TENANT).toLowerCase();
}
function decide(snapshot, request) {
  const tenant = tenantOf(snapshot, request);
  const i = firstMatchIndex(indexOf(snapshot), request, tenant);
  if (i >= 0) return resultOf(snapshot.rules[i], snapshot.hash);
  return { decision: "allow", snapshotHash: snapshot.hash };
}
function resultOf(rule, snapshotHash2) {
  const result = { decision: rule.decision, ruleId: rule.id, snapshotHash: snapshotHash2 };
  if (rule.reason !== void 0) result.reason = rule.reason;
  if (rule.constraints !== void 0) result.constraints = rule.constraints;
  if (rule.remediations !== void 0) result.remediations = rule.remediations;
  return result;
}
function firstMismatch(rule, request, tenant) {
  const m = rule.match;
  const has = (list) => list !== void 0 && list.length > 0;
  if (has(m.tenants) && !m.tenants.some((t) => t.toLowerCase() === tenant)) return "tenants";
  if (has(m.topics)) {
    const topic = request.topic;
    if (topic === void 0 || !m.topics.some((g) => globMatch(g, topic))) return "topics";
  }
  if (has(m.capabilities) && !inList(m.capabilities, request.capability)) return "capabilities";
  if (has(m.risk_tags) && !m.risk_tags.some((t) => request.riskTags?.includes(t))) {
    return "risk_tags";
  }
  if (has(m.requires) && !m.requires.every((r) => request.requires?.includes(r))) {
    return "requires";
  }
  if (has(m.pack_ids) && !inList(m.pack_ids, request.packId)) return "pack_ids";
  if (has(m.actor_ids) && !inList(m.actor_ids, request.actorId)) return "actor_ids";
  if (has(m.actor_types) && !inList(m.actor_types, request.actorType)) return "actor_types";
  if (m.labels && !Object.entries(m.labels).every(([k, v]) => request.labels?.[k] === v)) {
    return "labels";
  }
  if (m.secrets_present !== void 0 && m.secrets_present !== (request.secretsPresent ?? false)) {
    return "secrets_present";
  }
  if (m.mcp && !mcpMatches(m.mcp, request.mcp)) return "mcp";
  return void 0;
}
function inList(list, value) {
  return value !== void 0 && list.includes(value);
}

// packs/canonical.ts
function canonicalJson(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

// packs/digest.ts
import { createHash } from "node:crypto";
function sha256Hex(data) {
  return createHash("sha256").update(data).digest("hex");
}

// packs/policy/snapshot.ts
function buildSnapshot(inputs) {
  const ordered = [...inputs].sort((a, b) => a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : 0);
  const rules = [];
  let defaultTenant;
  for (const input of ordered) {
    rules.push(...input.fragment.rules);
    defaultTenant ??= input.fragment.default_tenant;
  }
  const packs = [];
  for (const input of ordered) {
    if (packs.some((p) => p.id === input.packId)) continue;
    packs.push(input.version === void 0 ? { id: input.packId } : { id: input.packId, version: input.version });
  }
  const snapshot = { hash: snapshotHash(rules, defaultTenant), rules, packs };
  if (defaultTenant !== void 0) snapshot.defaultTenant = defaultTenant;
  return snapshot;
}
function snapshotHash(rules, defaultTenant) {
  const semantic = rules.map(({ source: _source, ...rule }) => rule);
  return `sha256:${sha256Hex(canonicalJson({ defaultTenant, rules: semantic }))}`;
}

// storage/database.ts
async function openDatabase(options) {
  if (options.url) {
    const { openPostgres: openPostgres2 } = await Promise.resolve().then(() => (init_postgres(), postgres_exports));
    return openPostgres2(options.url, options.poolSize ?? 10);
  }
  if (!options.dataDir) throw new Error("openDatabase needs a url or a dataDir");
  const { openPglite: openPglite2 } = await Promise.resolve().then(() => (init_pglite(), pglite_exports));
  return openPglite2(options.dataDir);
}

// storage/migrate.ts
async function migrate(db, component, migrations) {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component text NOT NULL,
    id text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, id)
  )`);
  const applied = [];
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [component]);
    const done = await tx.query(
      "SELECT id FROM schema_migrations WHERE component = $1",
      [component]
    );
    const seen = new Set(done.rows.map((r) => r.id));
    for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      if (seen.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (component, id) VALUES ($1, $2)", [
        component,
        m.id
      ]);
      applied.push(m.id);
    }
  });
  return applied;
}
function splitStatements(sql) {
  return sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter((s) => s.length > 0);
}

// engine/kernel/errors.ts
var KernelError = class extends Error {
  name = "KernelError";
  code;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.code = code;
  }
};

// engine/kernel/migrations.ts
var KERNEL_MIGRATIONS = [
  {
    id: "001_policy_snapshots",
    sql: `
CREATE TABLE engine_policy_snapshots (
  version integer PRIMARY KEY,
  hash text NOT NULL,
  source jsonb NOT NULL,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE engine_policy_decisions (
  id bigserial PRIMARY KEY,
  request jsonb NOT NULL,
  decision text NOT NULL,
  rule_id text,
  snapshot_hash text NOT NULL,
  snapshot_version integer NOT NULL,
  request_id text,
  decided_at timestamptz NOT NULL
);
CREATE INDEX engine_policy_decisions_hash ON engine_policy_decisions (snapshot_hash, id);`
  }
];

// engine/kernel/history.ts
var iso = (v) => v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
var PolicyHistory = class _PolicyHistory {
  constructor(db, clock) {
    this.db = db;
    this.clock = clock;
  }
  db;
  clock;
  static async open(db, clock = () => /* @__PURE__ */ new Date()) {
    await migrate(db, "engine-kernel", KERNEL_MIGRATIONS);
    return new _PolicyHistory(db, clock);
  }
  /** Records a snapshot (or finds it as the newest row) and answers it as active. */
  async add(snapshot, source) {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('engine_policy_snapshots'))");
      const { rows } = await tx.query(
        `SELECT version, hash, source, created_at FROM engine_policy_snapshots
          ORDER BY version DESC LIMIT 1`
      );
      const last = rows[0];
      if (last && last.hash === snapshot.hash && last.source.kind === source.kind && source.kind !== "rollback") {
        return {
          version: Number(last.version),
          snapshot,
          source: last.source,
          activatedAt: now.toISOString()
        };
      }
      const version = last ? Number(last.version) + 1 : 1;
      await tx.query(
        `INSERT INTO engine_policy_snapshots (version, hash, source, snapshot, created_at)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)`,
        [version, snapshot.hash, JSON.stringify(source), JSON.stringify(snapshot), now]
      );
      return { version, snapshot, source, activatedAt: now.toISOString() };
    });
  }
  /** Newest first. */
  async list(limit = 100) {
    const { rows } = await this.db.query(
      `SELECT version, hash, source, jsonb_array_length(snapshot->'rules') AS rules, created_at
         FROM engine_policy_snapshots ORDER BY version DESC LIMIT $1`,
      [limit]
    );
    return rows.map((r) => ({
      version: Number(r.version),
      hash: r.hash,
      source: r.source,
      rules: Number(r.rules),
      createdAt: iso(r.created_at)
    }));
  }
  /** The snapshot kept as `version`; `version_not_found` when there is none. */
  async get(version) {
    const { rows } = await this.db.query(
      "SELECT version, hash, source, snapshot FROM engine_policy_snapshots WHERE version = $1",
      [version]
    );
    const row = rows[0];
    if (!row) {
      throw new KernelError("version_not_found", `no policy snapshot version ${version} is kept`);
    }
    return { snapshot: row.snapshot, source: row.source };
  }
};

// engine/kernel/explain.ts
var REQUEST_FIELD = {
  topics: "topic",
  capabilities: "capability",
  risk_tags: "riskTags",
  requires: "requires",
  pack_ids: "packId",
  actor_ids: "actorId",
  actor_types: "actorType",
  labels: "labels",
  secrets_present: "secretsPresent",
  mcp: "mcp"
};
function skipped(rule, field, request, tenant) {
  const wanted = rule.match[field];
  const got = field === "tenants" ? tenant : request[REQUEST_FIELD[field]];
  return { ruleId: rule.id, field, wanted, got: got ?? null };
}
function explainDecision(snapshot, request) {
  const tenant = tenantOf(snapshot, request);
  const out = { decision: "allow", snapshotHash: snapshot.hash, tenant, skipped: [] };
  for (let i = 0; i < snapshot.rules.length; i++) {
    const rule = snapshot.rules[i];
    const field = firstMismatch(rule, request, tenant);
    if (field !== void 0) {
      out.skipped.push(skipped(rule, field, request, tenant));
      continue;
    }
    out.decision = rule.decision;
    out.ruleId = rule.id;
    out.matched = { ruleId: rule.id, index: i };
    if (rule.source?.packId !== void 0) out.matched.packId = rule.source.packId;
    if (rule.source?.file !== void 0) out.matched.file = rule.source.file;
    return out;
  }
  return out;
}

// engine/kernel/holder.ts
var SnapshotHolder = class {
  active;
  listeners = [];
  constructor(initial) {
    this.active = initial;
  }
  current() {
    return this.active;
  }
  /** Puts `next` in place in one assignment and tells the listeners. */
  swap(next) {
    const previous = this.active;
    this.active = next;
    for (const listener of this.listeners) listener(next, previous);
    return previous;
  }
  onSwap(listener) {
    this.listeners.push(listener);
  }
};

// engine/kernel/kernel.ts
var PolicyKernel = class _PolicyKernel {
  constructor(initial, history, recorder) {
    this.history = history;
    this.recorder = recorder;
    this.holder = new SnapshotHolder(initial);
  }
  history;
  recorder;
  holder;
  observers = [];
  reloads = 0;
  lastError;
  /** A kernel whose first snapshot is kept in the history (or found there). */
  static async open(options) {
    const snapshot = options.snapshot ?? buildSnapshot([]);
    const source = options.source ?? { kind: snapshot.rules.length > 0 ? "project" : "empty" };
    const initial = await options.history.add(snapshot, source);
    return new _PolicyKernel(initial, options.history, options.recorder);
  }
  current() {
    return this.holder.current();
  }
  onDecision(observer) {
    this.observers.push(observer);
  }
  onSwap(listener) {
    this.holder.onSwap(listener);
  }
  /** One decision; the active snapshot is read once, so a swap meanwhile cannot split it. */
  decide(request, options = {}) {
    return this.decideWith(this.holder.current(), request, options);
  }
  /** Many decisions against one snapshot: a swap lands before or after the whole batch. */
  decideBatch(requests, options = {}) {
    const active = this.holder.current();
    return requests.map((r) => this.decideWith(active, r, options));
  }
  decideWith(active, request, options) {
    const start = this.observers.length > 0 ? performance.now() : 0;
    const result = decide(active.snapshot, request);
    result.snapshotVersion = active.version;
    if (options.explain) result.explanation = explainDecision(active.snapshot, request);
    this.recorder?.record(request, result, active.version, options.requestId);
    if (this.observers.length > 0) {
      const seconds = (performance.now() - start) / 1e3;
      for (const o of this.observers) o(request, result, seconds);
    }
    return result;
  }
  /** Keeps `snapshot` in the history and swaps it in. */
  async activate(snapshot, source) {
    const next = await this.history.add(snapshot, source);
    if (next.snapshot.hash !== this.holder.current().snapshot.hash || next.version !== this.holder.current().version) {
      this.holder.swap(next);
      this.reloads++;
    }
    this.lastError = void 0;
    return next;
  }
  /** Runs a kept version again (as a new history row that names it). */
  async rollback(version) {
    const kept = await this.history.get(version);
    const source = { ...kept.source, kind: "rollback", restored: version };
    return this.activate(kept.snapshot, source);
  }
  /** A reload that failed: the active snapshot stays, the failure is shown in the status. */
  reloadFailed(failure, at = /* @__PURE__ */ new Date()) {
    this.lastError = { ...failure, at: at.toISOString() };
  }
  reloadCount() {
    return this.reloads;
  }
  status() {
    const a = this.holder.current();
    const status = {
      version: a.version,
      hash: a.snapshot.hash,
      rules: a.snapshot.rules.length,
      source: a.source,
      activatedAt: a.activatedAt,
      reloads: this.reloads
    };
    if (this.lastError) status.lastError = this.lastError;
    return status;
  }
};

// engine/kernel/http_server.ts
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";

// engine/http/route.ts
var HttpProblem = class extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
  status;
  code;
  name = "HttpProblem";
};
function readJson(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpProblem(413, "request_too_large", `body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("error", reject);
    req.on("end", () => {
      try {
        const text = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpProblem(400, "request_invalid", "the body is not JSON"));
      }
    });
  });
}
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text)
  });
  res.end(text);
}
function sendProblem(res, status, code, detail) {
  const text = JSON.stringify({
    type: `urn:cordum:problem:${code}`,
    title: code,
    status,
    detail,
    code
  });
  res.writeHead(status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(text)
  });
  res.end(text);
}

// engine/kernel/http_server.ts
function routeHandler(routes, options = {}) {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://engine");
    const route = table.get(`${req.method} ${url.pathname}`);
    const requestId = req.headers["x-request-id"] ?? randomUUID();
    if (!route) return sendProblem(res, 404, "not_found", `no route ${req.method} ${url.pathname}`);
    let done;
    try {
      done = route.handle({ req, res, url, requestId });
    } catch (err) {
      done = Promise.reject(err);
    }
    Promise.resolve(done).catch((err) => {
      if (err instanceof HttpProblem) return sendProblem(res, err.status, err.code, err.message);
      options.log?.("error", "request failed", {
        request_id: requestId,
        path: url.pathname,
        error: err instanceof Error ? err.message : String(err)
      });
      if (!res.headersSent) sendProblem(res, 500, "internal", "the engine failed this request");
    });
  };
}
async function startRouteServer(routes, options = {}) {
  const server = createServer(routeHandler(routes, options));
  await new Promise((resolve) => server.listen(
    options.port ?? 0,
    options.host ?? "127.0.0.1",
    resolve
  ));
  const { port } = server.address();
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// engine/kernel/admin.ts
import { timingSafeEqual } from "node:crypto";
function isAdminToken(header, token) {
  if (!token || !header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
function requireAdmin(ctx, token) {
  if (!isAdminToken(ctx.req.headers.authorization, token)) {
    throw new HttpProblem(403, "forbidden", `${ctx.url.pathname} needs the engine admin token`);
  }
}

// engine/kernel/request.ts
var STRINGS = ["tenantId", "topic", "capability", "packId", "actorId", "actorType"];
var LISTS = ["riskTags", "requires"];
var MCP = ["server", "tool", "resource", "action"];
function fail(where, what) {
  throw new KernelError("request_invalid", `${where}: ${what}`);
}
function isStringList(v) {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
function isStringMap(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
}
function toPolicyRequest(value, where = "request") {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(where, "expected a JSON object");
  }
  const v = value;
  const out = {};
  for (const k of STRINGS) {
    if (v[k] === void 0) continue;
    if (typeof v[k] !== "string") fail(`${where}.${k}`, "expected a string");
    out[k] = v[k];
  }
  for (const k of LISTS) {
    if (v[k] === void 0) continue;
    if (!isStringList(v[k])) fail(`${where}.${k}`, "expected a list of strings");
    out[k] = v[k];
  }
  if (v.labels !== void 0) {
    if (!isStringMap(v.labels)) fail(`${where}.labels`, "expected an object of strings");
    out.labels = v.labels;
  }
  if (v.secretsPresent !== void 0) {
    if (typeof v.secretsPresent !== "boolean") {
      fail(`${where}.secretsPresent`, "expected a boolean");
    }
    out.secretsPresent = v.secretsPresent;
  }
  if (v.mcp !== void 0) out.mcp = toMcp(v.mcp, `${where}.mcp`);
  return out;
}
function toMcp(value, where) {
  if (!isStringMap(value)) fail(where, "expected an object of strings");
  const out = {};
  for (const k of MCP) if (value[k] !== void 0) out[k] = value[k];
  return out;
}

// engine/kernel/simulate.ts
function simulateCandidate(candidate, recorded, limit = 50) {
  const transitions = /* @__PURE__ */ new Map();
  const changes = [];
  let changed = 0;
  for (const r of recorded) {
    const after = decide(candidate, r.request);
    const ruleAfter = after.ruleId ?? null;
    if (after.decision === r.decision && ruleAfter === (r.ruleId ?? null)) continue;
    changed++;
    const key = `${r.decision}\0${after.decision}`;
    transitions.set(key, (transitions.get(key) ?? 0) + 1);
    if (changes.length < limit) {
      changes.push({
        id: r.id,
        request: r.request,
        before: { decision: r.decision, ruleId: r.ruleId ?? null },
        after: { decision: after.decision, ruleId: ruleAfter }
      });
    }
  }
  return {
    candidateHash: candidate.hash,
    total: recorded.length,
    changed,
    transitions: [...transitions].map(([k, count]) => {
      const [from, to] = k.split("\0");
      return { from, to, count };
    }).sort((a, b) => b.count - a.count),
    changes
  };
}

// packs/errors.ts
var PackError = class extends Error {
  name = "PackError";
  code;
  issues;
  /** Extra machine-readable facts (both hashes of a mismatch, a limit). */
  details;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
};

// packs/bundle/limits.ts
var MiB = 1024 * 1024;
var DEFAULT_LIMITS = {
  maxUploadBytes: 64 * MiB,
  maxFiles: 2048,
  maxFileBytes: 32 * MiB,
  maxTotalBytes: 256 * MiB,
  maxRatio: 200
};

// packs/bundle/read.ts
import { Parser } from "tar";

// packs/documents.ts
import { parse, YAMLParseError } from "yaml";

// packs/load.ts
import { valid as validSemver } from "semver";

// packs/policy/decisions.ts
var ALIASES = {
  allow: "allow",
  permit: "allow",
  deny: "deny",
  block: "deny",
  require_approval: "require_approval",
  "require-approval": "require_approval",
  require_human: "require_approval",
  allow_with_constraints: "allow_with_constraints",
  "allow-with-constraints": "allow_with_constraints",
  throttle: "throttle"
};
function normalizeDecision(name) {
  return ALIASES[name.trim().toLowerCase()];
}
var DECISION_NAMES = Object.keys(ALIASES);

// packs/policy/templates.ts
function isPlain(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function mergeTwo(low, high) {
  const out = { ...low };
  for (const [k, v] of Object.entries(high)) {
    if (v === void 0) continue;
    const below = out[k];
    out[k] = isPlain(below) && isPlain(v) ? mergeTwo(below, v) : v;
  }
  return out;
}
function mergeConstraints(layers) {
  return layers.reduce((acc, layer) => mergeTwo(acc, layer), {});
}

// packs/policy/fragment.ts
function toFragment(raw, origin) {
  const prefix = origin.packId ?? "rule";
  const rules = [];
  const from = (index) => ({ ...origin, index });
  (raw.rules ?? []).forEach((r, index) => {
    const rule = {
      id: r.id ?? `${prefix}-rule-${index + 1}`,
      match: r.match ?? {},
      // The schema admits only known names, so this is always defined.
      decision: normalizeDecision(r.decision) ?? "deny",
      source: from(index)
    };
    if (r.reason !== void 0) rule.reason = r.reason;
    const constraints = resolveConstraints(raw, r, index, origin.file);
    if (constraints !== void 0) rule.constraints = constraints;
    if (r.remediations !== void 0) rule.remediations = r.remediations;
    rules.push(rule);
  });
  if (!raw.rules || raw.rules.length === 0) rules.push(...legacyRules(raw.tenants ?? {}, from));
  const fragment = { rules };
  if (raw.version !== void 0) fragment.version = String(raw.version);
  if (raw.default_tenant !== void 0) fragment.default_tenant = raw.default_tenant;
  return fragment;
}
function resolveConstraints(raw, r, index, file) {
  if (!r.templates || r.templates.length === 0) return r.constraints;
  const layers = r.templates.map((name, t) => {
    const found = raw.constraint_templates?.[name];
    if (found === void 0) {
      const where = { file: file ?? "policy fragment", path: `/rules/${index}/templates/${t}` };
      throw new PackError(
        "validation_failed",
        `${where.file}: rule ${r.id ?? index + 1} uses constraint template "${name}", which the fragment does not define`,
        { issues: [{ ...where, message: `unknown constraint template "${name}"` }] }
      );
    }
    return found;
  });
  return mergeConstraints([...layers, ...r.constraints ? [r.constraints] : []]);
}
function legacyRules(tenants, from) {
  const rules = [];
  for (const tenant of Object.keys(tenants).sort()) {
    const t = tenants[tenant];
    if (t.deny_topics && t.deny_topics.length > 0) {
      rules.push({
        id: `legacy-${tenant}-deny`,
        match: { tenants: [tenant], topics: t.deny_topics },
        decision: "deny",
        reason: `topic denied for tenant ${tenant}`,
        source: from(rules.length)
      });
    }
    if (t.allow_topics && t.allow_topics.length > 0) {
      rules.push({
        id: `legacy-${tenant}-allow`,
        match: { tenants: [tenant], topics: t.allow_topics },
        decision: "allow",
        source: from(rules.length)
      });
    }
  }
  return rules;
}

// packs/schemas.ts
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// schemas/pack.schema.json
var pack_schema_default = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://schemas.cordum.dev/pack.schema.json",
  title: "Cordum pack manifest (pack.yaml)",
  type: "object",
  required: ["apiVersion", "kind", "metadata"],
  properties: {
    apiVersion: { const: "cordum.io/v1alpha1" },
    kind: { const: "Pack" },
    metadata: {
      type: "object",
      required: ["id", "version"],
      properties: {
        id: { type: "string", pattern: "^[a-z0-9-]+$", minLength: 1, maxLength: 128 },
        version: { type: "string", minLength: 1, maxLength: 256 },
        title: { type: "string" },
        description: { type: "string" },
        image: { type: "string" },
        author: { type: "string" },
        authors: { type: "array", items: { type: "string" } },
        homepage: { type: "string" },
        license: { type: "string" },
        source: { type: "string" },
        sourceRepo: { type: "string" }
      }
    },
    compatibility: {
      type: "object",
      properties: {
        protocolVersion: { type: "integer", minimum: 1 },
        minCoreVersion: { type: "string" },
        maxCoreVersion: { type: "string" }
      }
    },
    topics: {
      type: "array",
      items: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1 },
          capability: { type: "string" },
          riskTags: { $ref: "#/$defs/strings" },
          requires: { $ref: "#/$defs/strings" }
        }
      }
    },
    resources: {
      type: "object",
      properties: {
        schemas: { type: "array", items: { $ref: "#/$defs/resource" } },
        workflows: { type: "array", items: { $ref: "#/$defs/resource" } }
      }
    },
    overlays: {
      type: "object",
      properties: {
        config: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "path"],
            properties: {
              name: { type: "string" },
              scope: { type: "string" },
              scope_id: { type: "string" },
              key: { type: "string" },
              strategy: { const: "json_merge_patch" },
              path: { type: "string", minLength: 1 }
            }
          }
        },
        policy: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "path"],
            properties: {
              name: { type: "string" },
              strategy: { const: "bundle_fragment" },
              path: { type: "string", minLength: 1 }
            }
          }
        }
      }
    },
    tests: {
      type: "object",
      properties: {
        policySimulations: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "request", "expectDecision"],
            properties: {
              name: { type: "string", minLength: 1 },
              request: {
                type: "object",
                properties: {
                  tenantId: { type: "string" },
                  topic: { type: "string" },
                  capability: { type: "string" },
                  riskTags: { $ref: "#/$defs/strings" },
                  requires: { $ref: "#/$defs/strings" },
                  packId: { type: "string" },
                  actorId: { type: "string" },
                  actorType: { type: "string" },
                  labels: { type: "object", additionalProperties: { type: "string" } },
                  secretsPresent: { type: "boolean" }
                }
              },
              expectDecision: { type: "string", minLength: 1 }
            }
          }
        }
      }
    },
    requires_packs: { $ref: "#/$defs/strings" }
  },
  $defs: {
    strings: { type: "array", items: { type: "string" } },
    resource: {
      type: "object",
      required: ["id", "path"],
      properties: {
        id: { type: "string", minLength: 1 },
        path: { type: "string", minLength: 1 }
      }
    }
  }
};

// schemas/policy-fragment.schema.json
var policy_fragment_schema_default = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://schemas.cordum.dev/policy-fragment.schema.json",
  title: "Cordum policy fragment",
  type: "object",
  properties: {
    version: { type: ["string", "integer"] },
    default_tenant: { type: "string" },
    rules: { type: "array", items: { $ref: "#/$defs/rule" } },
    constraint_templates: {
      type: "object",
      additionalProperties: { $ref: "#/$defs/constraints" }
    },
    tenants: {
      type: "object",
      additionalProperties: {
        type: "object",
        properties: {
          allow_topics: { $ref: "#/$defs/strings" },
          deny_topics: { $ref: "#/$defs/strings" },
          max_concurrent_jobs: { type: "integer", minimum: 0 },
          mcp: { $ref: "#/$defs/mcp" }
        }
      }
    }
  },
  $defs: {
    strings: { type: "array", items: { type: "string" } },
    labels: { type: "object", additionalProperties: { type: "string" } },
    rule: {
      type: "object",
      required: ["decision"],
      properties: {
        id: { type: "string", minLength: 1 },
        match: { $ref: "#/$defs/match" },
        decision: {
          enum: [
            "allow",
            "permit",
            "deny",
            "block",
            "require_approval",
            "require-approval",
            "require_human",
            "allow_with_constraints",
            "allow-with-constraints",
            "throttle"
          ]
        },
        reason: { type: "string" },
        constraints: { $ref: "#/$defs/constraints" },
        templates: { type: "array", items: { type: "string", minLength: 1 } },
        remediations: { type: "array", items: { $ref: "#/$defs/remediation" } }
      }
    },
    match: {
      type: "object",
      properties: {
        tenants: { $ref: "#/$defs/strings" },
        topics: { $ref: "#/$defs/strings" },
        capabilities: { $ref: "#/$defs/strings" },
        risk_tags: { $ref: "#/$defs/strings" },
        requires: { $ref: "#/$defs/strings" },
        pack_ids: { $ref: "#/$defs/strings" },
        actor_ids: { $ref: "#/$defs/strings" },
        actor_types: { $ref: "#/$defs/strings" },
        labels: { $ref: "#/$defs/labels" },
        secrets_present: { type: "boolean" },
        mcp: { $ref: "#/$defs/mcp" }
      }
    },
    mcp: {
      type: "object",
      additionalProperties: false,
      properties: {
        allow_servers: { $ref: "#/$defs/strings" },
        deny_servers: { $ref: "#/$defs/strings" },
        allow_tools: { $ref: "#/$defs/strings" },
        deny_tools: { $ref: "#/$defs/strings" },
        allow_resources: { $ref: "#/$defs/strings" },
        deny_resources: { $ref: "#/$defs/strings" },
        allow_actions: { $ref: "#/$defs/strings" },
        deny_actions: { $ref: "#/$defs/strings" }
      }
    },
    constraints: {
      type: "object",
      properties: {
        budgets: {
          type: "object",
          properties: {
            max_runtime_ms: { type: "integer", minimum: 0 },
            max_retries: { type: "integer", minimum: 0 },
            max_artifact_bytes: { type: "integer", minimum: 0 },
            max_concurrent_jobs: { type: "integer", minimum: 0 }
          }
        },
        sandbox: {
          type: "object",
          properties: {
            isolated: { type: "boolean" },
            network_allowlist: { $ref: "#/$defs/strings" },
            fs_read_only: { $ref: "#/$defs/strings" },
            fs_read_write: { $ref: "#/$defs/strings" }
          }
        },
        toolchain: {
          type: "object",
          properties: {
            allowed_tools: { $ref: "#/$defs/strings" },
            allowed_commands: { $ref: "#/$defs/strings" }
          }
        },
        diff: {
          type: "object",
          properties: {
            max_files: { type: "integer", minimum: 0 },
            max_lines: { type: "integer", minimum: 0 },
            deny_path_globs: { $ref: "#/$defs/strings" }
          }
        },
        redaction_level: { type: "string" }
      }
    },
    remediation: {
      type: "object",
      properties: {
        id: { type: "string" },
        title: { type: "string" },
        summary: { type: "string" },
        replacement_topic: { type: "string" },
        replacement_capability: { type: "string" },
        add_labels: { $ref: "#/$defs/labels" },
        remove_labels: { $ref: "#/$defs/strings" }
      }
    }
  }
};

// schemas/workflow.schema.json
var workflow_schema_default = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://schemas.cordum.dev/workflow.schema.json",
  title: "Cordum workflow",
  type: "object",
  required: ["id", "steps"],
  properties: {
    id: { type: "string", minLength: 1 },
    name: { type: "string" },
    description: { type: "string" },
    version: { type: ["string", "number"] },
    org_id: { type: "string" },
    timeout_sec: { type: "number", exclusiveMinimum: 0 },
    input_schema: { type: "object" },
    parameters: {
      type: ["array", "object"]
    },
    steps: {
      type: "object",
      minProperties: 1,
      additionalProperties: { $ref: "#/$defs/step" }
    }
  },
  $defs: {
    strings: { type: "array", items: { type: "string" } },
    step: {
      type: "object",
      required: ["type"],
      properties: {
        id: { type: "string", minLength: 1 },
        name: { type: "string" },
        type: {
          enum: [
            "worker",
            "approval",
            "condition",
            "switch",
            "parallel",
            "loop",
            "delay",
            "notify",
            "transform",
            "storage",
            "subworkflow",
            "http",
            "llm",
            "container",
            "script",
            "input"
          ]
        },
        topic: { type: "string", minLength: 1 },
        depends_on: { $ref: "#/$defs/strings" },
        condition: { type: ["string", "boolean"] },
        for_each: { type: ["string", "array"] },
        max_parallel: { type: "integer", minimum: 1 },
        input: {},
        input_schema_id: { type: "string" },
        output_schema_id: { type: "string" },
        output_path: { type: "string" },
        meta: {
          type: "object",
          properties: {
            pack_id: { type: "string" },
            capability: { type: "string" },
            risk_tags: { $ref: "#/$defs/strings" },
            requires: { $ref: "#/$defs/strings" },
            actor_id: { type: "string" },
            actor_type: { type: "string" },
            idempotency_key: { type: "string" },
            labels: { type: "object", additionalProperties: { type: "string" } }
          }
        },
        on_error: { type: "string" },
        retry: {
          type: "object",
          properties: {
            max_retries: { type: "integer", minimum: 0 },
            initial_backoff_sec: { type: "number", minimum: 0 },
            max_backoff_sec: { type: "number", minimum: 0 },
            multiplier: { type: "number", minimum: 1 }
          }
        },
        timeout_sec: { type: "number", exclusiveMinimum: 0 },
        delay_sec: { type: "number", minimum: 0 },
        delay_until: { type: "string" },
        route_labels: { type: "object" }
      }
    }
  }
};

// packs/schemas.ts
var addFormats = addFormatsModule.default ?? addFormatsModule;
var FORMAT_SCHEMAS = {
  pack: pack_schema_default,
  "policy-fragment": policy_fragment_schema_default,
  workflow: workflow_schema_default
};
var formats;
function formatValidators() {
  if (!formats) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    formats = /* @__PURE__ */ new Map();
    for (const [name, schema] of Object.entries(FORMAT_SCHEMAS)) {
      formats.set(name, ajv.compile(schema));
    }
  }
  return formats;
}
function checkFormat(format, value, file) {
  const validate = formatValidators().get(format);
  if (validate(value)) return [];
  return toIssues(validate.errors ?? [], file);
}
function toIssues(errors, file) {
  const issues = [];
  for (const e of errors) {
    if (e.keyword === "if" || e.keyword === "anyOf") continue;
    let path = e.instancePath;
    let message = e.message ?? "is invalid";
    if (e.keyword === "required") {
      const missing = String(e.params.missingProperty);
      path = `${path}/${missing}`;
      message = "is required but missing";
    } else if (e.keyword === "enum") {
      const allowed = e.params.allowedValues ?? [];
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
    } else if (e.keyword === "const") {
      message = `must be ${JSON.stringify(e.params.allowedValue)}`;
    } else if (e.keyword === "additionalProperties") {
      const extra = String(e.params.additionalProperty);
      path = `${path}/${extra}`;
      message = "is not an allowed field here";
    }
    issues.push({ file, path, message, rule: `schema_${e.keyword}` });
  }
  return issues;
}

// engine/kernel/candidate.ts
function fragmentInput(raw, where, packId) {
  const issues = checkFormat("policy-fragment", raw, where);
  if (issues.length > 0 || typeof raw !== "object" || raw === null) {
    const first = issues[0];
    throw new KernelError("candidate_invalid", `${where} is not a policy fragment` + (first ? `: ${first.path} ${first.message}` : ""));
  }
  return { packId, fragment: toFragment(raw, { packId, file: where }) };
}
function toCandidateSnapshot(value) {
  return buildSnapshot([fragmentInput(value, "candidate", "candidate")]);
}

// engine/http/policy.ts
var MAX_BATCH = 1e4;
function wire(d) {
  const out = {
    decision: d.decision,
    rule_id: d.ruleId ?? null,
    snapshot_hash: d.snapshotHash,
    snapshot_version: d.snapshotVersion
  };
  if (d.reason !== void 0) out.reason = d.reason;
  if (d.constraints !== void 0) out.constraints = d.constraints;
  if (d.remediations !== void 0) out.remediations = d.remediations;
  if (d.explanation !== void 0) out.explanation = d.explanation;
  return out;
}
function asProblem(err) {
  if (err instanceof KernelError) {
    const status = err.code === "version_not_found" ? 404 : 400;
    throw new HttpProblem(status, err.code, err.message);
  }
  throw err;
}
function decideRoutes(kernel) {
  return [
    { method: "POST", path: "/v1/policy/decide", async handle({ req, res, url, requestId }) {
      const body = await readJson(req);
      let parsed;
      try {
        parsed = toPolicyRequest(body);
      } catch (err) {
        asProblem(err);
      }
      const explain = url.searchParams.get("explain") === "1";
      sendJson(res, 200, wire(kernel.decide(parsed, { requestId, explain })));
    } },
    { method: "POST", path: "/v1/policy/decide-batch", async handle({ req, res, requestId }) {
      const body = await readJson(req, 64 << 20);
      if (!Array.isArray(body?.requests) || body.requests.length > MAX_BATCH) {
        throw new HttpProblem(
          400,
          "request_invalid",
          `expected { requests: [...] } with at most ${MAX_BATCH} requests`
        );
      }
      let requests;
      try {
        requests = body.requests.map((r, i) => toPolicyRequest(r, `requests[${i}]`));
      } catch (err) {
        asProblem(err);
      }
      const decided = kernel.decideBatch(requests, { requestId });
      const active = decided[0] ?? {
        snapshotHash: kernel.current().snapshot.hash,
        snapshotVersion: kernel.current().version
      };
      sendJson(res, 200, {
        snapshot_hash: active.snapshotHash,
        snapshot_version: active.snapshotVersion,
        decisions: decided.map(wire)
      });
    } }
  ];
}
function historyRoutes(kernel, adminToken) {
  return [
    { method: "GET", path: "/v1/policy/status", handle({ res }) {
      sendJson(res, 200, kernel.status());
    } },
    { method: "GET", path: "/v1/policy/history", async handle({ res }) {
      sendJson(res, 200, {
        active: kernel.current().version,
        snapshots: await kernel.history.list()
      });
    } },
    { method: "POST", path: "/v1/policy/rollback", admin: true, async handle(ctx) {
      requireAdmin(ctx, adminToken);
      const body = await readJson(ctx.req);
      if (!Number.isInteger(body?.version)) {
        throw new HttpProblem(400, "request_invalid", "expected { version: <integer> }");
      }
      const active = await kernel.rollback(body.version).catch(asProblem);
      sendJson(ctx.res, 200, {
        version: active.version,
        hash: active.snapshot.hash,
        source: active.source
      });
    } }
  ];
}
function simulateRoute(kernel) {
  return { method: "POST", path: "/v1/policy/simulate", async handle({ req, res, url }) {
    const body = await readJson(req, 64 << 20);
    let candidate;
    try {
      candidate = toCandidateSnapshot(body?.candidate);
    } catch (err) {
      asProblem(err);
    }
    const recorded = kernel.recorder ? await kernel.recorder.list({
      snapshotHash: kernel.current().snapshot.hash,
      limit: Number(url.searchParams.get("limit") ?? "10000")
    }) : [];
    sendJson(res, 200, simulateCandidate(candidate, recorded));
  } };
}
function policyRoutes(kernel, options = {}) {
  return [
    ...decideRoutes(kernel),
    ...historyRoutes(kernel, options.adminToken),
    simulateRoute(kernel)
  ];
}

// engine/observability/metrics.ts
import { Counter, Gauge, Histogram, Registry } from "prom-client";
var LATENCY_BUCKETS = [1e-6, 25e-7, 5e-6, 1e-5, 25e-6, 5e-5, 1e-4, 25e-5, 1e-3, 0.01];
async function countByStatus(db, table) {
  try {
    const { rows } = await db.query(
      `SELECT status, count(*) AS n FROM ${table} GROUP BY status`
    );
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  } catch {
    return [];
  }
}
function createEngineMetrics(kernel, db) {
  const registry = new Registry();
  const pending = new PendingDecisions();
  const decisions = new Counter({
    name: "cordum_policy_decisions_total",
    help: "Policy decisions by outcome and deciding rule",
    labelNames: ["decision", "rule"],
    registers: [registry],
    collect: () => pending.flush(decisions, latency)
  });
  const latency = new Histogram({
    name: "cordum_policy_decision_seconds",
    help: "Time to decide one request",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
    collect: () => pending.flush(decisions, latency)
  });
  new Gauge({
    name: "cordum_policy_reloads_total",
    help: "Snapshots swapped in since start",
    registers: [registry],
    collect() {
      this.set(kernel.reloadCount());
    }
  });
  new Gauge({
    name: "cordum_policy_snapshot_info",
    help: "The active snapshot (value 1)",
    labelNames: ["hash", "version"],
    registers: [registry],
    collect() {
      const s = kernel.status();
      this.reset();
      this.set({ hash: s.hash, version: String(s.version) }, 1);
    }
  });
  new Gauge({
    name: "cordum_policy_reload_failing",
    help: "1 while the last reload was refused",
    registers: [registry],
    collect() {
      this.set(kernel.status().lastError ? 1 : 0);
    }
  });
  if (db) statusGauges(registry, db);
  kernel.onDecision((_r, result, seconds) => pending.add(
    result.decision,
    result.ruleId,
    seconds,
    decisions,
    latency
  ));
  return { registry, decisions, latency };
}
var PendingDecisions = class {
  counts = /* @__PURE__ */ new Map();
  latencies = [];
  add(decision, rule, seconds, decisions, latency) {
    const key = `${decision}|${rule ?? ""}`;
    const entry = this.counts.get(key);
    if (entry) entry.n++;
    else this.counts.set(key, { decision, rule: rule ?? "", n: 1 });
    this.latencies.push(seconds);
    if (this.latencies.length >= 65536) this.flush(decisions, latency);
  }
  flush(decisions, latency) {
    for (const e of this.counts.values()) {
      if (e.n > 0) decisions.inc({ decision: e.decision, rule: e.rule }, e.n);
      e.n = 0;
    }
    const values = this.latencies;
    this.latencies = [];
    for (const v of values) latency.observe(v);
  }
};
function statusGauges(registry, db) {
  for (const [name, table] of [["runs", "engine_runs"], ["steps", "engine_steps"]]) {
    new Gauge({
      name: `cordum_engine_${name}`,
      help: `${name} by status`,
      labelNames: ["status"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await countByStatus(db, table)) this.set({ status: r.status }, r.n);
      }
    });
  }
}

// bench/table.ts
function printTable(title, headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((c) => typeof c === "number" ? formatNumber(c) : c))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  process.stdout.write(`
### ${title}

`);
  process.stdout.write(`${line(cells[0])}
`);
  process.stdout.write(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |
`);
  for (const r of cells.slice(1)) process.stdout.write(`${line(r)}
`);
}
function formatNumber(n) {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) || Math.abs(n) >= 1e3) return Math.round(n).toLocaleString("en-US");
  return n >= 10 ? n.toFixed(1) : n.toFixed(3);
}

// bench/kernel_cedar.ts
import { createRequire } from "node:module";
import { join } from "node:path";
function cedarPolicy(rule) {
  const effect = rule.decision === "allow" || rule.decision === "allow_with_constraints" ? "permit" : "forbid";
  const conditions = [];
  const topics = rule.match.topics ?? [];
  if (topics.length > 0) {
    conditions.push(topics.map((t) => t.endsWith("*") ? `resource.id like "${t.replace(/\*$/, "*")}"` : `resource.id == "${t}"`).join(" || "));
  }
  if (rule.match.risk_tags && rule.match.risk_tags.length > 0) {
    conditions.push(`context.riskTags.containsAny(${JSON.stringify(rule.match.risk_tags)})`);
  }
  if (rule.match.labels) {
    for (const [k, v] of Object.entries(rule.match.labels)) {
      conditions.push(`context.labels has "${k}" && context.labels["${k}"] == "${v}"`);
    }
  }
  const when = conditions.length > 0 ? ` when { ${conditions.map((c) => `(${c})`).join(" && ")} }` : "";
  return `@id("${rule.id}")
${effect}(principal, action, resource)${when};`;
}
async function cedarRate(root, snapshot, requests, seconds = 2) {
  let cedar;
  try {
    const require2 = createRequire(join(root, "package.json"));
    cedar = require2("@cedar-policy/cedar-wasm/nodejs");
  } catch {
    return void 0;
  }
  const text = snapshot.rules.map(cedarPolicy).join("\n");
  const parsed = cedar.preparsePolicySet("bench", { staticPolicies: text });
  if (parsed.type !== "success") throw new Error(`cedar refused the policies: ${JSON.stringify(parsed)}`);
  const calls = requests.map((r) => ({
    principal: { type: "Tenant", id: r.tenantId ?? "default" },
    action: { type: "Action", id: "run" },
    resource: { type: "Topic", id: r.topic ?? "" },
    context: { riskTags: r.riskTags ?? [], labels: r.labels ?? {} },
    entities: [],
    preparsedPolicySetId: "bench"
  }));
  const first = cedar.statefulIsAuthorized(calls[0]);
  if (first.type !== "success") throw new Error(`cedar failed: ${JSON.stringify(first)}`);
  for (let i = 0; i < 2e3; i++) cedar.statefulIsAuthorized(calls[i % calls.length]);
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() - start < BigInt(seconds * 1e9)) {
    for (let i = 0; i < 1e3; i++) cedar.statefulIsAuthorized(calls[(n + i) % calls.length]);
    n += 1e3;
  }
  return { version: cedar.getCedarVersion(), rate: n / (Number(process.hrtime.bigint() - start) / 1e9) };
}

// bench/kernel.ts
var DURATION_S = Number(process.env.CORDUM_BENCH_SECONDS ?? 5);
var BATCH = 100;
function policy200() {
  const rules = [];
  for (let i = 0; i < 200; i++) {
    const pack = `pack${i % 40}`;
    const match = i % 25 === 0 ? { labels: { env: `zone${i}` } } : i % 10 === 0 ? { topics: [`job.${pack}.admin.*`] } : { topics: [`job.${pack}.op${i}`] };
    if (i % 3 === 0 && match.topics) match.risk_tags = ["write"];
    rules.push({
      id: `rule-${i}`,
      match,
      decision: i % 5 === 0 ? "deny" : i % 7 === 0 ? "require_approval" : "allow"
    });
  }
  return buildSnapshot([{ packId: "bench", fragment: { rules } }]);
}
function requests200() {
  return Array.from({ length: 1e3 }, (_, i) => ({
    tenantId: "default",
    topic: i % 9 === 0 ? `job.pack${i % 40}.admin.reset` : `job.pack${i % 40}.op${i * 7 % 260}`,
    riskTags: i % 2 ? ["write"] : ["read"]
  }));
}
function rate(fn, requests, seconds = 2) {
  for (let i = 0; i < 2e4; i++) fn(requests[i % requests.length]);
  const start = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  let n = 0;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 1e4; i++) fn(requests[(n + i) % requests.length]);
    n += 1e4;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}
function scan(snapshot) {
  const predicates = predicatesOf(snapshot);
  return (r) => {
    const tenant = tenantOf(snapshot, r);
    for (let i = 0; i < predicates.length; i++) if (predicates[i](r, tenant)) return i;
    return -1;
  };
}
async function bareServer(snapshot) {
  const server = createServer2((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const d = decide(snapshot, JSON.parse(Buffer.concat(chunks).toString()));
      const text = JSON.stringify({
        decision: d.decision,
        rule_id: d.ruleId ?? null,
        snapshot_hash: d.snapshotHash
      });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text)
      });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}
async function load(cannon, url, bodies) {
  return cannon({
    url,
    connections: 50,
    duration: DURATION_S,
    workers: 1,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: bodies.map((body) => ({ method: "POST", body }))
  });
}
async function runKernelBench(root) {
  const require2 = createRequire2(join2(root, "package.json"));
  const cannon = require2("autocannon");
  const snapshot = policy200();
  const requests = requests200();
  const rows = [
    [
      "in-process, indexed first match (decide)",
      rate((r) => decide(snapshot, r), requests),
      "",
      ""
    ],
    ["in-process, plain first-match scan", rate(scan(snapshot), requests), "", ""]
  ];
  const cedar = await cedarRate(root, snapshot, requests);
  rows.push(cedar === void 0 ? ["Cedar (cedar-wasm), in-process", "not installed", "", ""] : [`Cedar ${cedar.version} (cedar-wasm), in-process`, cedar.rate, "", ""]);
  const dir = mkdtempSync(join2(tmpdir(), "cordum-bench-kernel-"));
  const db = await openDatabase({ dataDir: join2(dir, "db") });
  const kernel = await PolicyKernel.open({ history: await PolicyHistory.open(db), snapshot });
  createEngineMetrics(kernel);
  const ours = await startRouteServer(policyRoutes(kernel));
  const bare = await bareServer(snapshot);
  try {
    const bodies = requests.slice(0, 50).map((r) => JSON.stringify(r));
    const runs = { b: [], k: [] };
    for (let i = 0; i < 2; i++) {
      runs.b.push(await load(cannon, bare.url, bodies));
      runs.k.push(await load(cannon, `${ours.url}/v1/policy/decide`, bodies));
    }
    const best = (list) => list.reduce((x, y) => y.requests.average > x.requests.average ? y : x);
    const b = best(runs.b);
    const k = best(runs.k);
    const batchBodies = [0, 1, 2, 3].map((j) => JSON.stringify({ requests: requests.slice(j * BATCH, (j + 1) * BATCH) }));
    const kb = await load(cannon, `${ours.url}/v1/policy/decide-batch`, batchBodies);
    rows.push(
      [
        "HTTP, bare node:http + decide, 50 conns",
        b.requests.average,
        b.latency.p50,
        b.latency.p99
      ],
      [
        "HTTP, kernel /v1/policy/decide (metrics on), 50 conns",
        k.requests.average,
        k.latency.p50,
        k.latency.p99
      ],
      [
        `HTTP, kernel decide-batch of ${BATCH}, 50 conns (decisions/s)`,
        kb.requests.average * BATCH,
        kb.latency.p50,
        kb.latency.p99
      ]
    );
    const failed = b.non2xx + b.errors + k.non2xx + k.errors + kb.non2xx + kb.errors;
    if (failed > 0) process.stderr.write(`bench kernel: ${failed} failed requests
`);
  } finally {
    await ours.close();
    await new Promise((r) => bare.server.close(r));
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    "Policy kernel, 200-rule policy (one process, 2 cores)",
    ["what", "decisions/s (or req/s)", "p50 ms", "p99 ms"],
    rows
  );
}

// ../../tmp/kb.ts
await runKernelBench("/work/main");
