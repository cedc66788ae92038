/**
 * Who is asking: the user of the request's token (Authorization: Bearer <jwt> or the bare <jwt>),
 * checked by auth.ts against this catalog's secret, issuer, audience and users — or of an API key
 * (Authorization: Bearer qk_..., access/api-keys.ts), as quilt3's login_with_api_key sends it.
 */
import { isDigestOf, sha256Hex } from './access/digest.js';
import { API_KEY_PREFIX, keyOfSecret, statusOf, touchApiKey } from './access/api-keys.js';
import { AuthError, bearerToken, verifyToken, type VerifiedToken } from './auth.js';
import type { CatalogContext } from './context.js';

function verifyApiKey(ctx: CatalogContext, secret: string): VerifiedToken {
  const key = keyOfSecret(ctx.access, secret);
  if (!key) throw new AuthError('InvalidApiKey', 'the API key is not known to this catalog (revoked, or never made here): make a new one with apiKeyCreate (quilt3.api_keys.create)');
  if (statusOf(key) === 'EXPIRED') throw new AuthError('ApiKeyExpired', `the API key ${key.fingerprint} expired at ${key.expiresAt}: make a new one with apiKeyCreate (quilt3.api_keys.create)`);
  return { user: key.user, claims: { sub: key.user }, expiresAt: new Date(key.expiresAt), apiKey: key.id };
}

/**
 * The verified token of an Authorization header; undefined when the request has none. Its user must
 * be a user of the catalog's access model (a deleted one is unknown) and active (a deactivated one
 * is refused everywhere until an admin activates them again).
 */
export async function tokenOf(ctx: CatalogContext, header: string | undefined): Promise<VerifiedToken | undefined> {
  const token = bearerToken(header);
  if (token === undefined) return undefined;
  const v = token.startsWith(API_KEY_PREFIX)
    ? verifyApiKey(ctx, token)
    : await verifyToken(token, { ...ctx.config.jwt, knownUsers: new Set(ctx.access.snapshot.users.map((u) => u.name)) });
  if (!v.apiKey && v.claims.use === QUILT3_LOGIN_CODE) throw new AuthError('InvalidClaims', 'a quilt3 login code is not an access token: exchange it at POST /api/token (quilt3.login_with_token) for one');
  if (!v.apiKey && isRevoked(ctx, token)) throw new AuthError('TokenRevoked', 'the token was signed out (POST /api/logout): sign in again for a new one');
  if (!ctx.access.user(v.user)) throw new AuthError('UnknownUser', `the user ${JSON.stringify(v.user)} of this API key no longer exists`);
  if (ctx.access.user(v.user)?.isActive === false) throw new AuthError('UserInactive', `user ${JSON.stringify(v.user)} is deactivated: an admin can activate them again (admin.user.mutate(name).setActive(active: true))`);
  // A key's use is noted only once its user is known to be allowed.
  if (v.apiKey) { const key = ctx.access.apiKey(v.apiKey); if (key) touchApiKey(ctx.access, key); }
  return v;
}

/** The `use` claim of a quilt3 login code (GET /api/code), a refresh token: only POST /api/token takes it. */
export const QUILT3_LOGIN_CODE = 'quilt3-login';

/** A quilt3 login code's user: a token of this catalog with the login-code claim, of a known, active user, not signed out. */
export async function verifyLoginCode(ctx: CatalogContext, code: string): Promise<VerifiedToken> {
  const v = await verifyToken(code, { ...ctx.config.jwt, knownUsers: new Set(ctx.access.snapshot.users.map((u) => u.name)) });
  if (v.claims.use !== QUILT3_LOGIN_CODE) throw new AuthError('InvalidClaims', 'refresh_token is not a quilt3 login code: take the code the catalog\'s /code page shows (GET /api/code)');
  if (isRevoked(ctx, code)) throw new AuthError('TokenRevoked', 'the login code was signed out: sign in to the catalog and take a new one at /code');
  if (ctx.access.user(v.user)?.isActive === false) throw new AuthError('UserInactive', `user ${JSON.stringify(v.user)} is deactivated: an admin can activate them again`);
  return v;
}

function isRevoked(ctx: CatalogContext, token: string): boolean {
  const revoked = ctx.access.snapshot.revokedTokens;
  if (revoked.length === 0) return false;
  return revoked.some((r) => isDigestOf(r.sha256, token));
}

/** Signs a token out until it expires (POST /api/logout); expired entries are dropped on the way. */
export function revokeToken(ctx: CatalogContext, token: string, exp: Date): void {
  const now = Date.now() / 1000;
  ctx.access.change((s) => {
    s.revokedTokens = [...s.revokedTokens.filter((r) => r.exp > now), { sha256: sha256Hex(token), exp: exp.getTime() / 1000 }];
  });
}

/** The verified token of a request that must carry one (401 MissingToken otherwise). */
export async function requireToken(ctx: CatalogContext, header: string | undefined): Promise<VerifiedToken> {
  const v = await tokenOf(ctx, header);
  if (!v) throw new AuthError('MissingToken', 'this endpoint needs "Authorization: Bearer <token>" (a JWT signed by this catalog, or an API key qk_...)');
  return v;
}
