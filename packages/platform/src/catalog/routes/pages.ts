/**
 * What a person opens in a browser:
 *   GET /, /b, /b/<bucket>/...      server-rendered catalog pages (../pages.ts)
 *   GET /browse/<session>/<key>     a browsing session's file: 302 to a presigned GET (../browsing.ts)
 * Errors on these paths answer as HTML pages (server.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context.js';
import { handlePage } from '../pages.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

/** True for the paths whose errors are HTML pages. */
export const isPagePath = (path: string): boolean => path === '/' || path === '/b' || path.startsWith('/b/');

export function pageRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  for (const url of ['/', '/b', '/b/*']) {
    only(app, url, ['GET'], 'catalog pages are read with GET', async (req, reply) => {
      actingAs(req, await handlePage(ctx, req.headers.authorization, reply, new URL(req.url, ctx.config.url)));
      return reply;
    });
  }
  only(app, '/browse/*', ['GET'], 'read /browse/<session>/<logical key> with GET', async (req, reply) =>
    ctx.browsing.handle(new URL(req.url, ctx.config.url).pathname, reply));
}
