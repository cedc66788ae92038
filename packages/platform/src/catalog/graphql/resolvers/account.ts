/**
 * A user's own account: me (with their API keys), switchRole, apiKeyCreate, apiKeyRevoke. A role
 * switch takes effect at the user's next credentials (the cached ones of the old role are dropped).
 */
import type { ApiKeyRecord, UserRecord } from '../../access/store.js';
import { createApiKey, filterKeys, keyInputProblem, keyOfSecret, revokeApiKey, statusOf, type ApiKeyStatus } from '../../access/api-keys.js';
import { invalidInput, operationError, type Args, type GqlContext } from './common.js';

export function apiKeyView(g: GqlContext, k: ApiKeyRecord) {
  return {
    __typename: 'APIKey',
    id: k.id,
    name: k.name,
    fingerprint: k.fingerprint,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt,
    userEmail: g.ctx.access.user(k.user)?.email ?? '',
    status: statusOf(k),
  };
}

/** The user's roles: the active one first, then the extra ones. */
const rolesOf = (u: UserRecord): string[] => [...new Set([u.role, ...u.extraRoles].filter((r): r is string => r !== null))];

function meView(g: GqlContext, u: UserRecord) {
  const own = () => g.ctx.access.snapshot.apiKeys.filter((k) => k.user === u.name);
  return {
    __typename: 'Me',
    name: u.name,
    email: u.email,
    isAdmin: u.isAdmin,
    role: { name: u.role ?? '' },
    roles: rolesOf(u).map((name) => ({ name })),
    apiKeys: (a: Args) => filterKeys(g.ctx.access, own(), { name: a.name as string | null, fingerprint: a.fingerprint as string | null, status: a.status as ApiKeyStatus | null }).map((k) => apiKeyView(g, k)),
    apiKey: (a: Args) => { const k = own().find((x) => x.id === String(a.id)); return k ? apiKeyView(g, k) : null; },
  };
}

function switchRole(g: GqlContext, a: Args) {
  const u = g.ctx.access.user(g.user);
  if (!u) return operationError('UserNotFound', `user ${g.user} is not a user of this catalog`);
  const roleName = String(a.roleName);
  if (!rolesOf(u).includes(roleName)) {
    return invalidInput([{ path: 'roleName', name: 'RoleNotAssigned', message: `${JSON.stringify(roleName)} is not one of your roles; yours are ${rolesOf(u).map((r) => JSON.stringify(r)).join(', ') || '(none)'}` }]);
  }
  if (u.role !== roleName) {
    g.ctx.access.change((s) => {
      const x = s.users.find((y) => y.name === u.name)!;
      x.extraRoles = [...(x.role ? [x.role] : []), ...x.extraRoles].filter((r) => r !== roleName);
      x.role = roleName;
    });
    g.ctx.clients.drop(u.name);
    g.ctx.authz.forget();
  }
  return meView(g, g.ctx.access.user(u.name)!);
}

function apiKeyCreate(g: GqlContext, a: Args) {
  const input = a.input as { name: string; expiresInDays: number };
  const problem = keyInputProblem(input.name, input.expiresInDays);
  if (problem) return invalidInput([{ ...problem, name: 'ValidationError' }]);
  const { key, secret } = createApiKey(g.ctx.access, g.user, input.name, input.expiresInDays);
  return { __typename: 'APIKeyCreated', apiKey: apiKeyView(g, key), secret };
}

function apiKeyRevoke(g: GqlContext, a: Args) {
  const id = a.id == null ? undefined : String(a.id);
  const secret = a.secret == null ? undefined : String(a.secret);
  if ((id === undefined) === (secret === undefined)) return invalidInput([{ path: null, name: 'ValidationError', message: 'give either the key\'s id or its secret (one of them)' }]);
  const key = id !== undefined ? g.ctx.access.apiKey(id) : keyOfSecret(g.ctx.access, secret!);
  // Another user's key is as unknown as a missing one.
  if (!key || key.user !== g.user) return invalidInput([{ path: id !== undefined ? 'id' : 'secret', name: 'APIKeyNotFound', message: 'you have no such API key: list yours with { me { apiKeys { id name fingerprint } } }' }]);
  revokeApiKey(g.ctx.access, key.id);
  return { __typename: 'Ok', _: true };
}

export const accountResolvers = {
  me: (_a: Args, g: GqlContext) => {
    const u = g.ctx.access.user(g.user);
    return u ? meView(g, u) : null;
  },
  switchRole: (a: Args, g: GqlContext) => switchRole(g, a),
  apiKeyCreate: (a: Args, g: GqlContext) => apiKeyCreate(g, a),
  apiKeyRevoke: (a: Args, g: GqlContext) => apiKeyRevoke(g, a),
};
