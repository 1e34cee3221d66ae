/**
 * Refuses a request whose path or query holds a NUL (`%00`). No id,
 * version, name or parameter may contain one, and PostgreSQL refuses it in
 * text, so such a request would otherwise reach the database and fail there.
 */
import type Koa from 'koa';
import { RegistryError } from '../errors.js';

const NUL = /%00|\0/;

export function refuseNul(): Koa.Middleware {
  return async (ctx, next) => {
    const where = NUL.test(ctx.path) ? 'path' : NUL.test(ctx.querystring) ? 'query' : undefined;
    if (where) {
      throw new RegistryError('request_invalid',
        `the request ${where} holds a NUL character (%00), which no id, version or parameter ` +
        'may contain', { details: { where } });
    }
    await next();
  };
}
