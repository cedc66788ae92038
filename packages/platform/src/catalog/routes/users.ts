/**
 * The registry's REST user administration, as Quilt's web catalog called it before its admin pages
 * moved to GraphQL (catalog ≤ 6.0.0a4; the quilt3-local 2.0.0 bundle still does). Admins only;
 * Bearer token; JSON bodies {username, ...}; each is the same operation as the GraphQL admin API's
 * (graphql/resolvers/admin-users.ts), so the two never disagree:
 *   GET  /api/users/list          {results: [{username, email, is_active, is_superuser, date_joined, last_login, role_id}]}
 *   POST /api/users/create        {username, email}          (the default role; then set_role)
 *   POST /api/users/set_role      {username, role}           (the role's name)
 *   POST /api/users/delete|enable|disable|grant_admin|revoke_admin   {username}
 *   POST /api/users/edit_email    {username, email}
 * Refusals are {message} with the texts the app recognises ("Username already taken", "Invalid
 * email", "User not found", ...).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogContext } from '../context.js';
import { adminUserResolvers } from '../graphql/resolvers/admin-users.js';
import type { GqlContext } from '../graphql/resolvers/common.js';
import { HttpError, jsonStrings, sendJson } from '../http.js';
import { requireToken } from '../identity.js';
import { only } from './methods.js';
import { actingAs } from './request.js';

type Answer = { __typename: string; errors?: Array<{ name: string; message: string }>; message?: string } | null;

/** The GraphQL admin API's answer as the REST endpoints answer: {} or a refusal with the app's words. */
function restAnswer(a: Answer): Record<string, never> {
  if (a === null) throw new HttpError(404, 'NotFound', 'User not found');
  if (a.__typename === 'InvalidInput') {
    const e = a.errors![0]!;
    const [status, words] = ({
      UsernameExists: [409, 'Username already taken'],
      EmailExists: [409, 'Email already taken (Another user already has that email)'],
      InvalidUsername: [400, 'Username is invalid (Username is not valid)'],
      InvalidEmail: [400, 'Invalid email'],
      RoleDoesNotExist: [400, 'Role does not exist'],
    } as Record<string, [number, string]>)[e.name] ?? [400, 'Invalid input'];
    throw new HttpError(status, e.name, `${words}: ${e.message}`);
  }
  if (a.__typename === 'OperationError') throw new HttpError(400, 'OperationError', a.message ?? 'the operation failed');
  return {};
}

const EXAMPLE = { username: 'rita', email: 'rita@example.com', role: 'ReadQuiltBucket' } as const;
const body = (req: FastifyRequest, fields: Array<keyof typeof EXAMPLE>): Record<string, string> =>
  jsonStrings(req.body, Object.fromEntries(fields.map((f) => [f, EXAMPLE[f]])));

export function userRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  /** The admin API as the caller (403 unless an admin). */
  const adminApi = async (req: FastifyRequest) => {
    const g: GqlContext = { ctx, user: actingAs(req, (await requireToken(ctx, req.headers.authorization)).user), deadline: req.deadline };
    return adminUserResolvers.admin({}, g).user;
  };
  const post = (action: string, fields: Array<keyof typeof EXAMPLE>, run: (api: Awaited<ReturnType<typeof adminApi>>, b: Record<string, string>) => unknown): void => {
    only(app, `/api/users/${action}`, ['POST'], `send POST with a JSON body {${fields.join(', ')}}`, async (req, reply) => {
      const api = await adminApi(req);
      return sendJson(reply, 200, restAnswer(await run(api, body(req, fields)) as Answer));
    });
  };
  const mutate = (api: Awaited<ReturnType<typeof adminApi>>, username: string) => api.mutate({ name: username });

  only(app, '/api/users/list', ['GET'], 'read /api/users/list with GET', async (req, reply) => {
    await adminApi(req);
    const roleId = (name: string | null) => (name === null ? null : ctx.access.role(name)?.id ?? null);
    return sendJson(reply, 200, {
      results: ctx.access.snapshot.users.map((u) => ({
        username: u.name, email: u.email, is_active: u.isActive, is_superuser: u.isAdmin, date_joined: u.dateJoined, last_login: u.lastLogin, role_id: roleId(u.role),
      })),
    });
  });
  post('create', ['username', 'email'], (api, b) => {
    const role = ctx.access.snapshot.roles.find((r) => r.id === ctx.access.snapshot.defaultRole)?.name;
    if (!role) throw new HttpError(400, 'NoDefaultRole', 'Default role not set: an admin sets one (roleSetDefault)');
    return api.create({ input: { name: b.username, email: b.email, role } });
  });
  post('set_role', ['username', 'role'], (api, b) => mutate(api, b.username!)?.setRole({ role: b.role }) ?? null);
  post('delete', ['username'], (api, b) => mutate(api, b.username!)?.delete() ?? null);
  post('enable', ['username'], (api, b) => mutate(api, b.username!)?.setActive({ active: true }) ?? null);
  post('disable', ['username'], (api, b) => mutate(api, b.username!)?.setActive({ active: false }) ?? null);
  post('grant_admin', ['username'], (api, b) => mutate(api, b.username!)?.setAdmin({ admin: true }) ?? null);
  post('revoke_admin', ['username'], (api, b) => mutate(api, b.username!)?.setAdmin({ admin: false }) ?? null);
  post('edit_email', ['username', 'email'], (api, b) => mutate(api, b.username!)?.setEmail({ email: b.email }) ?? null);
}
