/**
 * The local stack's own controls (not Quilt's API; an admin's token needed):
 *   PUT /internal/credentials-ttl  {"user": "<name>", "seconds": 5}  the lifetime of the STS
 *       credentials get_credentials hands that user from now on (1–43200 s; "seconds": null goes
 *       back to the stack's QUILT_E2E_CATALOG_CREDENTIALS_TTL_S). A real stack's lifetime is its
 *       deployment's; this lets a scenario see credentials run out without waiting an hour.
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context.js';
import { HttpError, jsonObject, sendJson } from '../http.js';
import { requireToken } from '../identity.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

const MAX_TTL_S = 43_200;

export function internalRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/internal/credentials-ttl', ['PUT'], 'set a user\'s credentials lifetime with PUT {"user", "seconds"}', async (req, reply) => {
    const caller = actingAs(req, (await requireToken(ctx, req.headers.authorization)).user);
    if (ctx.access.user(caller)?.isAdmin !== true) throw new HttpError(403, 'Forbidden', `/internal/credentials-ttl is for admins only: user ${caller} is not an admin`);
    const { user, seconds } = jsonObject(req.body, { user: 'rita', seconds: 5 });
    if (typeof user !== 'string' || !ctx.access.user(user)) throw new HttpError(400, 'InvalidInput', `"user" must name a user of this catalog; got ${JSON.stringify(user)}`);
    if (seconds !== null && (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TTL_S)) {
      throw new HttpError(400, 'InvalidInput', `"seconds" must be a whole number from 1 to ${MAX_TTL_S}, or null for the stack's default; got ${JSON.stringify(seconds)}`);
    }
    ctx.roles.setUserTtl(user, seconds);
    return sendJson(reply, 200, { user, seconds: seconds ?? ctx.config.credentials.ttlSeconds });
  });
}
