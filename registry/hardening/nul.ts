/**
 * Refuses a request whose path holds a NUL (`%00`). No id, version or name
 * may contain one, and PostgreSQL refuses it in text, so such a request
 * would otherwise reach the database and fail there. Query parameters are
 * each checked by their route (a search drops control characters).
 */
import type Koa from 'koa';
import { RegistryError } from '../errors.js';

const NUL = /%00|\0/;

export function refuseNul(): Koa.Middleware {
  return async (ctx, next) => {
    if (NUL.test(ctx.path)) {
      throw new RegistryError('request_invalid',
        'the request path holds a NUL character (%00), which no id, version or name may contain');
    }
    await next();
  };
}
