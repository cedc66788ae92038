/**
 * The registry's session endpoints Quilt's web catalog calls (registryUrl + /api, Bearer token;
 * every answer JSON):
 *   GET  /api/me       {current_user, email, is_staff, is_active} of the token's user
 *   POST /api/refresh  {token, exp}: a fresh token for the same user (exp in Unix seconds)
 *   POST /api/logout   {}: the token is signed out until it would have expired
 *   GET  /api/code     {code}: a code for `quilt3 login` (the app's /code page shows it): a refresh
 *                      token of the user, good for 30 days
 * and `quilt3 login`'s exchange (quilt3/session.py _update_auth), without a bearer token:
 *   POST /api/token    form refresh_token=<code> -> {access_token, refresh_token, expires_at}
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
import { QUILT3_LOGIN_CODE, requireToken, revokeToken, verifyLoginCode } from '../identity.js';
import { changePassword, passwordMatches, PasswordError, sendResetLink } from '../access/passwords.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

/** How long a refreshed token lives (Quilt's catalog refreshes before exp). */
const REFRESHED_TOKEN_S = 3600;
/** How long a quilt3 login code (a refresh token) works. */
const REFRESH_TOKEN_S = 30 * 24 * 3600;

/** The refresh_token of POST /api/token: a form field, as quilt3 sends it (or JSON). */
function refreshTokenOf(raw: unknown): string {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  let token: unknown = new URLSearchParams(text).get('refresh_token');
  if (!token && text.trim().startsWith('{')) { try { token = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token; } catch { /* reported below */ } }
  if (typeof token !== 'string' || token === '') throw new HttpError(400, 'BadRequest', 'POST /api/token takes the form field refresh_token=<the code of the catalog\'s /code page> (as `quilt3 login` sends it)');
  return token;
}

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

  only(app, '/api/code', ['GET'], 'ask for a quilt3 login code with GET', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    actingAs(req, v.user);
    if (v.apiKey) throw new HttpError(400, 'BadRequest', 'a quilt3 login code is made for a signed-in user, not an API key: quilt3.login_with_api_key takes the key itself');
    return sendJson(reply, 200, { code: await mintToken(v.user, { ...ctx.config.jwt, expiresInSeconds: REFRESH_TOKEN_S, claims: { use: QUILT3_LOGIN_CODE } }) });
  });

  only(app, '/api/token', ['POST'], 'exchange a quilt3 login code with POST refresh_token=<code>', async (req, reply) => {
    const code = refreshTokenOf(req.body);
    const v = await verifyLoginCode(ctx, code);
    actingAs(req, v.user);
    const expiresAt = Math.floor(Date.now() / 1000) + REFRESHED_TOKEN_S;
    return sendJson(reply, 200, {
      access_token: await mintToken(v.user, { ...ctx.config.jwt, expiresInSeconds: REFRESHED_TOKEN_S }),
      refresh_token: await mintToken(v.user, { ...ctx.config.jwt, expiresInSeconds: REFRESH_TOKEN_S, claims: { use: QUILT3_LOGIN_CODE } }),
      expires_at: expiresAt,
    });
  });

  only(app, '/api/logout', ['POST'], 'sign out with POST', async (req, reply) => {
    const v = await requireToken(ctx, req.headers.authorization);
    actingAs(req, v.user);
    if (v.apiKey) throw new HttpError(400, 'BadRequest', 'an API key is not signed out: revoke it (apiKeyRevoke)');
    revokeToken(ctx, bearerToken(req.headers.authorization)!, v.expiresAt);
    return sendJson(reply, 200, {});
  });
}
