/**
 * The registry's session endpoints Quilt's web catalog calls (registryUrl + /api, Bearer token;
 * every answer JSON):
 *   GET  /api/me       {current_user, email, is_staff, is_active} of the token's user
 *   POST /api/refresh  {token, exp}: a fresh token for the same user (exp in Unix seconds)
 *   POST /api/logout   {}: the token is signed out until it would have expired
 * Sign-in with a password (POST /api/login) is not served: users here sign in with tokens.
 */
import type { FastifyInstance } from 'fastify';
import { bearerToken, mintToken } from '../auth.js';
import type { CatalogContext } from '../context.js';
import { HttpError, sendJson } from '../http.js';
import { requireToken, revokeToken } from '../identity.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

/** How long a refreshed token lives (Quilt's catalog refreshes before exp). */
const REFRESHED_TOKEN_S = 3600;

export function sessionRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/api/me', ['GET'], 'read /api/me with GET', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    const u = ctx.access.user(actingAs(req, v.user))!;
    return sendJson(reply, 200, { current_user: u.name, email: u.email, is_staff: u.isAdmin, is_active: u.isActive });
  });

  only(app, '/api/refresh', ['POST'], 'refresh a token with POST', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    actingAs(req, v.user);
    if (v.apiKey) throw new HttpError(400, 'BadRequest', 'an API key is not refreshed: it works until it expires or is revoked');
    const token = await mintToken(v.user, { ...ctx.config.jwt, expiresInSeconds: REFRESHED_TOKEN_S });
    return sendJson(reply, 200, { token, exp: Math.floor(Date.now() / 1000) + REFRESHED_TOKEN_S });
  });

  only(app, '/api/logout', ['POST'], 'sign out with POST', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    actingAs(req, v.user);
    if (v.apiKey) throw new HttpError(400, 'BadRequest', 'an API key is not signed out: revoke it (apiKeyRevoke)');
    revokeToken(ctx, bearerToken(req.headers.authorization)!, v.expiresAt);
    return sendJson(reply, 200, {});
  });
}
