/**
 * A CPU profile of the engine for admins, through Node's inspector: off
 * unless the server is started with profiling on, and then only with the
 * admin token. The answer is a `.cpuprofile` (Chrome DevTools format).
 */
import { Session } from 'node:inspector/promises';
import { answer, HttpProblem, type EngineRoute } from '../http/route.js';
import { requireAdmin } from '../kernel/admin.js';

const MAX_SECONDS = 60;

export async function cpuProfile(seconds: number): Promise<object> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const { profile } = await session.post('Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
  }
}

/** The profile route, or none when profiling is off (the default). */
export function profileRoutes(options: { enabled?: boolean; adminToken?: string }):
EngineRoute[] {
  if (!options.enabled) return [];
  let busy = false;
  return [{
    method: 'POST',
    path: '/v1/admin/profile',
    admin: true,
    async handle(ctx) {
      requireAdmin(ctx, options.adminToken);
      const { res, url } = ctx;
      const seconds = Number(url.searchParams.get('seconds') ?? '5');
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
        throw new HttpProblem(400, 'request_invalid', `seconds must be in (0, ${MAX_SECONDS}]`);
      }
      if (busy) throw new HttpProblem(409, 'profile_running', 'a profile is already running');
      busy = true;
      try {
        const text = JSON.stringify(await cpuProfile(seconds));
        answer(res, 200, 'application/json', text,
          { 'content-disposition': 'attachment; filename="engine.cpuprofile"' });
      } finally {
        busy = false;
      }
    },
  }];
}
