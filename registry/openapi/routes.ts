/** `GET /v1/openapi.json`: the OpenAPI 3.1 document of every route. Needs no token. */
import type { RouteGroup } from '../routes/index.js';
import { openapiDocument } from './document.js';

export const openapiRoutes: RouteGroup = (router) => {
  let text: string | undefined;
  router.get('/v1/openapi.json', (ctx) => {
    text ??= JSON.stringify(openapiDocument());
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = text;
  });
};
