/**
 * The registry's REST API (token needed):
 *   GET /api/auth/get_credentials   the token user's S3 credentials (registry shape)
 *   GET /api/search                 search API over OpenSearch (raw response)
 *   POST /api/package_name_valid    {name} → {valid}: whether quilt3 takes the name (the web catalog's
 *                                   creation dialog asks as the name is typed)
 */
import type { FastifyInstance } from 'fastify';
import { faultIs } from '../../faults.js';
import type { CatalogContext } from '../context.js';
import { validatePackageName } from '@quilt-e2e/quilt-js';
import { HttpError, jsonStrings, sendJson } from '../http.js';
import { requireToken } from '../identity.js';
import { search } from '../search-api.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

export function apiRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/api/auth/get_credentials', ['GET'], 'use GET', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    actingAs(req, v.user);
    // Fault foreign-credentials: everyone gets the credentials of the bucket owner's role.
    const user = faultIs('foreign-credentials') ? ctx.config.indexerUser : v.user;
    // STS AssumeRole credentials of the user's active role (../credentials.ts), as a Quilt stack answers.
    const role = ctx.access.user(user)?.role;
    if (!role) throw new HttpError(403, 'NoRole', `user ${user} has no role: an admin gives them one (admin.user.mutate(name).setRole)`);
    return sendJson(reply, 200, await ctx.roles.forUser(user, role));
  });

  only(app, '/api/search', ['GET'], 'use GET', async (req, reply) => {
    const user = actingAs(req, (await requireToken(ctx, req.headers.authorization)).user);
    const url = new URL(req.url, ctx.config.url);
    return sendJson(reply, 200, await search(url.searchParams, user, ctx.authz, ctx.os, ctx.access.servedBuckets));
  });

  only(app, '/api/package_name_valid', ['POST'], 'use POST with {"name": "<namespace>/<name>"}', async (req, reply) => {
    actingAs(req, (await requireToken(ctx, req.headers.authorization)).user);
    const { name } = jsonStrings(req.body, { name: 'team/dataset' });
    let valid = true;
    try { validatePackageName(name); } catch { valid = false; }
    return sendJson(reply, 200, { valid });
  });
}
