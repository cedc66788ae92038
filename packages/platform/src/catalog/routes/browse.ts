/**
 * GET /browse/<session>/<logical key> — a browsing session's file (browsingSessionCreate): a 302 to
 * a presigned GET of its physical key (../browsing.ts). Quilt's web catalog and quilt-mcp read
 * package files this way.
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context.js';
import { only } from './methods.js';

export function browseRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/browse/*', ['GET'], 'read /browse/<session>/<logical key> with GET', async (req, reply) =>
    ctx.browsing.handle(new URL(req.url, ctx.config.url).pathname, reply));
}
