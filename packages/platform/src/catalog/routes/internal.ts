/**
 * The local stack's own controls (not Quilt's API; an admin's token needed):
 *   PUT /internal/credentials-ttl  {"user": "<name>", "seconds": 5}  the lifetime of the STS
 *       credentials get_credentials hands that user from now on (1–43200 s; "seconds": null goes
 *       back to the stack's QUILT_E2E_CATALOG_CREDENTIALS_TTL_S). A real stack's lifetime is its
 *       deployment's; this lets a scenario see credentials run out without waiting an hour.
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context.js';
import { HttpError, sendJson } from '../http.js';
import { requireToken } from '../identity.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

const MAX_TTL_S = 43_200;

function readBody(raw: unknown): Record<string, unknown> {
  let body: unknown;
  try { body = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : ''); } catch {
    throw new HttpError(400, 'BadRequest', 'the body must be JSON, for example {"user": "rita", "seconds": 5}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BadRequest', 'the body must be a JSON object, for example {"user": "rita", "seconds": 5}');
  return body as Record<string, unknown>;
}

export function internalRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  only(app, '/internal/credentials-ttl', ['PUT'], 'set a user\'s credentials lifetime with PUT {"user", "seconds"}', async (req, reply) => {
    const caller = actingAs(req, (await requireToken(ctx, req.headers.authorization)).user);
    if (ctx.access.user(caller)?.isAdmin !== true) throw new HttpError(403, 'Forbidden', `/internal/credentials-ttl is for admins only: user ${caller} is not an admin`);
    const { user, seconds } = readBody(req.body);
    if (typeof user !== 'string' || !ctx.access.user(user)) throw new HttpError(400, 'InvalidInput', `"user" must name a user of this catalog; got ${JSON.stringify(user)}`);
    if (seconds !== null && (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TTL_S)) {
      throw new HttpError(400, 'InvalidInput', `"seconds" must be a whole number from 1 to ${MAX_TTL_S}, or null for the stack's default; got ${JSON.stringify(seconds)}`);
    }
    ctx.roles.setUserTtl(user, seconds);
    return sendJson(reply, 200, { user, seconds: seconds ?? ctx.config.credentials.ttlSeconds });
  });
}
