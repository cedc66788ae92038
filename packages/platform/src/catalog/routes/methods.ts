/** Routes that take some methods and answer every other one with 405 and what to use instead. */
import type { FastifyInstance, HTTPMethods, RouteHandlerMethod } from 'fastify';
import { methodNotAllowed } from '../http.js';

/** OPTIONS is left to CORS (server.ts): a browser's preflight from Quilt's web catalog. */
const ALL: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** Registers `handler` for `methods` at `url` (GET brings HEAD) and a 405 `why` for the rest. */
export function only(app: FastifyInstance, url: string, methods: HTTPMethods[], why: string, handler: RouteHandlerMethod): void {
  const taken = new Set<HTTPMethods>(methods.includes('GET') ? [...methods, 'HEAD'] : methods);
  app.route({ method: methods, url, handler });
  const others = ALL.filter((m) => !taken.has(m));
  if (others.length) app.route({ method: others, url, handler: async () => { throw methodNotAllowed(why); } });
}
