/**
 * `GET /v1/audit?format=jsonl|csv|cef&since=&until=&limit=`: the audit
 * log for a SIEM, admins only.
 */
import { requireScope } from '../auth.js';
import { RegistryError } from '../errors.js';
import type { RouteGroup } from '../routes/index.js';
import type { RegistryContext } from '../state.js';
import { AUDIT_FORMATS, AUDIT_MEDIA_TYPES, formatAudit, type AuditFormat } from './formats.js';
import { listAudit } from './store.js';
import { requestTime } from '../time.js';

const MAX_LIMIT = 100_000;

function one(ctx: RegistryContext, name: string): string | undefined {
  const v = ctx.query[name];
  if (Array.isArray(v)) throw new RegistryError('request_invalid', `give \`${name}\` once`);
  return v === '' ? undefined : v;
}

function timeOf(ctx: RegistryContext, name: string): Date | undefined {
  return requestTime(one(ctx, name), name);
}

function formatOf(ctx: RegistryContext): AuditFormat {
  const f = one(ctx, 'format') ?? 'jsonl';
  if (!(AUDIT_FORMATS as readonly string[]).includes(f)) {
    throw new RegistryError('request_invalid',
      `\`format\` must be one of ${AUDIT_FORMATS.join(', ')}`);
  }
  return f as AuditFormat;
}

function limitOf(ctx: RegistryContext): number {
  const v = one(ctx, 'limit');
  // Digits only: Number() would also read `1e3`, `0x10` and ` 5`.
  const n = v === undefined ? 10_000 : /^\d{1,6}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new RegistryError('request_invalid',
      `\`limit\` must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return n;
}

export const auditRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/audit', requireScope(deps, 'admin'), async (ctx) => {
    const format = formatOf(ctx);
    const since = timeOf(ctx, 'since');
    const until = timeOf(ctx, 'until');
    // Such a window holds nothing: the caller swapped the two.
    if (since && until && until < since) {
      throw new RegistryError('request_invalid',
        `\`until\` ${until.toISOString()} is before \`since\` ${since.toISOString()}`);
    }
    const records = await listAudit(deps.db, { limit: limitOf(ctx),
      ...(since ? { since } : {}), ...(until ? { until } : {}) });
    ctx.type = AUDIT_MEDIA_TYPES[format];
    ctx.body = formatAudit(records, format);
  });
};
