/** The admin check says which side is wrong: the engine's setup or the caller's token. */
import { describe, expect, it } from 'vitest';
import { requireAdmin } from '../../engine/kernel/admin.js';
import type { RouteContext } from '../../engine/http/route.js';

function ctx(authorization?: string): RouteContext {
  const headers = authorization ? { authorization } : {};
  return { req: { headers }, url: new URL('http://127.0.0.1/v1/policy/rollback') } as
    unknown as RouteContext;
}

describe('requireAdmin', () => {
  it.each([
    ['no token configured', undefined, 'Bearer x', 'this engine has none: start `cordum engine ' +
      'serve` with CORDUM_ENGINE_ADMIN_TOKEN set'],
    ['no token sent', 'secret', undefined,
      'send it with --token or CORDUM_ENGINE_ADMIN_TOKEN (Authorization: Bearer <token>)'],
    ['a wrong token', 'secret', 'Bearer nope', 'the token sent is not it'],
  ])('refuses with %s, saying so', (_what, configured, sent, why) => {
    expect(() => requireAdmin(ctx(sent), configured)).toThrow(expect.objectContaining({
      code: 'forbidden', message: `/v1/policy/rollback needs the engine admin token; ${why}` }));
  });

  it('lets the admin through', () => {
    expect(() => requireAdmin(ctx('Bearer secret'), 'secret')).not.toThrow();
  });
});
