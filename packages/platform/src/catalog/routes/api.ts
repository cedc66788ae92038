/**
 * The registry's REST API (token needed):
 *   GET /api/auth/get_credentials   the token user's S3 credentials (registry shape)
 *   GET /api/search                 search API over OpenSearch (raw response)
 */
import type { FastifyInstance } from 'fastify';
import { faultIs } from '../../faults.js';
import type { CatalogContext } from '../context.js';
import { sendJson } from '../http.js';
import { requireToken } from '../identity.js';
import { search } from '../search-api.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

export function apiRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/api/auth/get_credentials', ['GET'], 'use GET', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    actingAs(req, v.user);
    // Fault foreign-credentials: everyone gets the bucket owner's keys.
    const u = ctx.config.users[faultIs('foreign-credentials') ? ctx.config.indexerUser : v.user]!;
    // RGW 16 refuses STS GetSessionToken to plain users, so these are the user's own long-lived
    // keys: SessionToken is null, Expiration is when the token (or one hour) runs out.
    const expiration = new Date(Math.min(v.expiresAt.getTime(), Date.now() + 3600_000));
    return sendJson(reply, 200, { AccessKeyId: u.accessKeyId, SecretAccessKey: u.secretAccessKey, SessionToken: null, Expiration: expiration.toISOString() });
  });

  only(app, '/api/search', ['GET'], 'use GET', async (req, reply) => {
    const user = actingAs(req, (await requireToken(ctx, req.headers.authorization)).user);
    const url = new URL(req.url, ctx.config.url);
    return sendJson(reply, 200, await search(url.searchParams, user, ctx.authz, ctx.os, ctx.config.buckets));
  });
}
