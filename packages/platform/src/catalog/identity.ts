/**
 * Who is asking: the user of the request's token (Authorization: Bearer <jwt> or the bare <jwt>),
 * checked by auth.ts against this catalog's secret, issuer, audience and users.
 */
import { AuthError, bearerToken, verifyToken, type VerifiedToken } from './auth.js';
import type { CatalogContext } from './context.js';

/**
 * The verified token of an Authorization header; undefined when the request has none. Its user must
 * be a user of the catalog's access model (a deleted one is unknown) and active (a deactivated one
 * is refused everywhere until an admin activates them again).
 */
export async function tokenOf(ctx: CatalogContext, header: string | undefined): Promise<VerifiedToken | undefined> {
  const token = bearerToken(header);
  if (token === undefined) return undefined;
  const v = await verifyToken(token, { ...ctx.config.jwt, knownUsers: new Set(ctx.access.snapshot.users.map((u) => u.name)) });
  if (ctx.access.user(v.user)?.isActive === false) throw new AuthError('UserInactive', `user ${JSON.stringify(v.user)} is deactivated: an admin can activate them again (admin.user.mutate(name).setActive(active: true))`);
  return v;
}

/** The verified token of a request that must carry one (401 MissingToken otherwise). */
export async function requireToken(ctx: CatalogContext, header: string | undefined): Promise<VerifiedToken> {
  const v = await tokenOf(ctx, header);
  if (!v) throw new AuthError('MissingToken', 'this endpoint needs "Authorization: Bearer <token>" (a JWT signed by this catalog)');
  return v;
}
