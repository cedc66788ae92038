/**
 * Who is asking: the user of the request's token (Authorization: Bearer <jwt> or the bare <jwt>),
 * checked by auth.ts against this catalog's secret, issuer, audience and users.
 */
import { AuthError, bearerToken, verifyToken, type VerifiedToken } from './auth.js';
import type { CatalogContext } from './context.js';

/** The verified token of an Authorization header; undefined when the request has none. */
export async function tokenOf(ctx: CatalogContext, header: string | undefined): Promise<VerifiedToken | undefined> {
  const token = bearerToken(header);
  if (token === undefined) return undefined;
  return verifyToken(token, { ...ctx.config.jwt, knownUsers: new Set(Object.keys(ctx.config.users)) });
}

/** The verified token of a request that must carry one (401 MissingToken otherwise). */
export async function requireToken(ctx: CatalogContext, header: string | undefined): Promise<VerifiedToken> {
  const v = await tokenOf(ctx, header);
  if (!v) throw new AuthError('MissingToken', 'this endpoint needs "Authorization: Bearer <token>" (a JWT signed by this catalog)');
  return v;
}
