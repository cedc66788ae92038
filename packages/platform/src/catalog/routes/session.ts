/**
 * The registry's session endpoints Quilt's web catalog calls (registryUrl + /api, Bearer token;
 * every answer JSON):
 *   GET  /api/me       {current_user, email, is_staff, is_active} of the token's user
 *   POST /api/refresh  {token, exp}: a fresh token for the same user (exp in Unix seconds)
 *   POST /api/logout   {}: the token is signed out until it would have expired
 * and, without a token, password sign-in (../access/passwords.ts):
 *   POST /api/login            {username, password} -> {token, exp}; 401 "Login attempt failed"
 *   POST /api/reset_password   {email} -> {}: a reset link to the user's outbox (always {}: who
 *                              has an account is not told)
 *   POST /api/change_password  {link, password} -> {}: the password set with the link's token
 */
import type { FastifyInstance } from 'fastify';
import { bearerToken, mintToken } from '../auth.js';
import type { CatalogContext } from '../context.js';
import { HttpError, jsonStrings, sendJson } from '../http.js';
import { requireToken, revokeToken } from '../identity.js';
import { changePassword, passwordMatches, PasswordError, sendResetLink } from '../access/passwords.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

/** How long a refreshed token lives (Quilt's catalog refreshes before exp). */
const REFRESHED_TOKEN_S = 3600;

const asHttp = (e: unknown): never => {
  if (e instanceof PasswordError) throw new HttpError(e.status, 'PasswordError', e.message);
  throw e;
};

export function sessionRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/api/login', ['POST'], 'sign in with POST {"username", "password"}', async (req, reply) => {
    const { username, password } = jsonStrings(req.body, { username: 'rita', password: '...' });
    const u = ctx.access.user(username);
    // The password is checked first, whoever asks: a refusal takes as long for an unknown user.
    const matches = await passwordMatches(ctx.access, username, password);
    if (!u || !u.isActive || !matches) throw new HttpError(401, 'LoginFailed', 'Login attempt failed: the user name or the password is wrong, or the user is deactivated');
    if (!u.role) throw new HttpError(400, 'NoDefaultRole', 'Default role not set');
    actingAs(req, username);
    ctx.access.change((s) => { const x = s.users.find((y) => y.name === username); if (x) x.lastLogin = new Date().toISOString(); });
    const token = await mintToken(username, { ...ctx.config.jwt, expiresInSeconds: REFRESHED_TOKEN_S });
    return sendJson(reply, 200, { token, exp: Math.floor(Date.now() / 1000) + REFRESHED_TOKEN_S });
  });

  only(app, '/api/reset_password', ['POST'], 'ask for a reset link with POST {"email"}', async (req, reply) => {
    const { email } = jsonStrings(req.body, { email: 'rita@example.com' });
    const u = ctx.access.snapshot.users.find((x) => x.email.toLowerCase() === email.toLowerCase());
    if (u) sendResetLink(ctx.access, ctx.config.dataDir, ctx.config.webAppUrl, u.name);
    return sendJson(reply, 200, {});
  });

  only(app, '/api/change_password', ['POST'], 'set a password with POST {"link", "password"}', async (req, reply) => {
    const { link, password } = jsonStrings(req.body, { link: '<the reset link, or its token>', password: 'at least 8 characters' });
    try { actingAs(req, await changePassword(ctx.access, link.replace(/^.*\/reset_password\//, ''), password)); } catch (e) { asHttp(e); }
    return sendJson(reply, 200, {});
  });

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
