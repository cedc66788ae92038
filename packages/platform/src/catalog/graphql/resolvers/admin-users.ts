/**
 * Quilt's admin API for users (admin.user.list/get, admin.user.create, admin.user.mutate(name)):
 * who may sign in, with which active role and extra roles, and whether they are admins. A change of
 * role takes effect at the user's next credentials; a deactivated or deleted user is refused at
 * every entry point (../../identity.ts). `admin` serves both Query.admin and Mutation.admin (the
 * stack settings and all users' API keys: admin-settings.ts).
 */
import type { UserRecord } from '../../access/store.js';
import { sendResetLink } from '../../access/passwords.js';
import { applyRoles } from './admin-roles.js';
import { adminSettingMutations, adminSettingQueries } from './admin-settings.js';
import { tabulatorResolvers } from './tabulator.js';
import { requireAdmin, userView } from './views.js';
import { invalidInput, operationError, type Args, type GqlContext, type InputErrorShape } from './common.js';

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function unknownRoles(g: GqlContext, names: string[], path: string): InputErrorShape[] {
  return names.filter((n) => !g.ctx.access.role(n)).map((n) => ({ path, name: 'RoleDoesNotExist', message: `no role is named ${JSON.stringify(n)}: list them with { roles { ... on ManagedRole { name } } }` }));
}

/** Why an email cannot be a user's (not an address, or another user's already); none: it can. */
function emailProblem(g: GqlContext, email: string, path: string, user?: string): InputErrorShape[] {
  if (!EMAIL.test(email)) return [{ path, name: 'InvalidEmail', message: `${JSON.stringify(email)} is not an email address, for example rita@example.com` }];
  const other = g.ctx.access.snapshot.users.find((u) => u.email.toLowerCase() === email.toLowerCase() && u.name !== user);
  return other ? [{ path, name: 'EmailExists', message: `Another user already has that email (${other.name}): give each user their own` }] : [];
}

/** Applies a change to one user and brings what is cached about them up to date. */
async function changeUser(g: GqlContext, name: string, fn: (u: UserRecord) => void) {
  const before = g.ctx.access.user(name)!;
  g.ctx.access.change((s) => fn(s.users.find((u) => u.name === name)!));
  const after = g.ctx.access.user(name)!;
  if (before.role !== after.role || before.extraRoles.join() !== after.extraRoles.join()) {
    g.ctx.clients.drop(name);
    g.ctx.authz.forget();
    await applyRoles(g, []);
  }
  return userView(g, after);
}

function mutateUser(g: GqlContext, name: string) {
  if (!g.ctx.access.user(name)) return null;
  return {
    delete: () => {
      if (name === g.user) return operationError('CannotDeleteSelf', 'an admin cannot delete their own user: ask another admin');
      // Their API keys go with them.
      g.ctx.access.change((s) => { s.users = s.users.filter((u) => u.name !== name); s.apiKeys = s.apiKeys.filter((k) => k.user !== name); delete s.passwords[name]; s.resetLinks = s.resetLinks.filter((l) => l.user !== name); });
      g.ctx.clients.drop(name);
      return { __typename: 'Ok', _: true };
    },
    setEmail: (a: Args) => {
      const problems = emailProblem(g, String(a.email), 'email', name);
      return problems.length ? invalidInput(problems) : changeUser(g, name, (u) => { u.email = String(a.email); });
    },
    setRole: (a: Args) => {
      const role = String(a.role);
      const extra = (a.extraRoles as string[] | null | undefined) ?? [];
      const problems = [...unknownRoles(g, [role], 'role'), ...unknownRoles(g, extra, 'extraRoles')];
      if (problems.length) return invalidInput(problems);
      return changeUser(g, name, (u) => {
        const keep = a.append === true ? [...u.extraRoles, ...(u.role ? [u.role] : [])] : [];
        u.role = role;
        u.extraRoles = [...new Set([...keep, ...extra])].filter((r) => r !== role);
      });
    },
    addRoles: (a: Args) => {
      const roles = a.roles as string[];
      const problems = unknownRoles(g, roles, 'roles');
      if (problems.length) return invalidInput(problems);
      return changeUser(g, name, (u) => { u.extraRoles = [...new Set([...u.extraRoles, ...roles])].filter((r) => r !== u.role); });
    },
    removeRoles: (a: Args) => {
      const roles = a.roles as string[];
      const fallback = a.fallback === undefined || a.fallback === null ? null : String(a.fallback);
      const problems = fallback === null ? [] : unknownRoles(g, [fallback], 'fallback');
      if (problems.length) return invalidInput(problems);
      const u = g.ctx.access.user(name)!;
      if (u.role !== null && roles.includes(u.role) && fallback === null) {
        return invalidInput([{ path: 'fallback', name: 'ValidationError', message: `removing the active role ${u.role} needs a fallback role to make active` }]);
      }
      return changeUser(g, name, (x) => {
        if (x.role !== null && roles.includes(x.role)) x.role = fallback;
        // The active role is never among the extra ones (a fallback the user had as an extra role moves).
        x.extraRoles = x.extraRoles.filter((r) => !roles.includes(r) && r !== x.role);
      });
    },
    setAdmin: (a: Args) => changeUser(g, name, (u) => { u.isAdmin = a.admin === true; }),
    setActive: (a: Args) => changeUser(g, name, (u) => { u.isActive = a.active === true; }),
    // A reset link to the user's outbox (<catalog data>/outbox/mail.jsonl: this stack sends no email).
    resetPassword: () => { sendResetLink(g.ctx.access, g.ctx.config.dataDir, g.ctx.config.webAppUrl, name); return { __typename: 'Ok', _: true }; },
  };
}

function createUser(g: GqlContext, a: Args) {
  const input = a.input as { name: string; email: string; role: string; extraRoles?: string[] | null };
  const problems: InputErrorShape[] = [];
  if (!USER_NAME.test(input.name)) problems.push({ path: 'input.name', name: 'InvalidUsername', message: `${JSON.stringify(input.name)} is not a user name: letters, digits, ".", "_", "+" or "-", up to 64, for example rita.reader` });
  else if (g.ctx.access.user(input.name)) problems.push({ path: 'input.name', name: 'UsernameExists', message: `a user named ${input.name} exists already` });
  problems.push(...emailProblem(g, input.email, 'input.email'), ...unknownRoles(g, [input.role], 'input.role'), ...unknownRoles(g, input.extraRoles ?? [], 'input.extraRoles'));
  if (problems.length) return invalidInput(problems);
  const now = new Date().toISOString();
  const user: UserRecord = { name: input.name, email: input.email, isActive: true, isAdmin: false, role: input.role, extraRoles: [...new Set(input.extraRoles ?? [])].filter((r) => r !== input.role), dateJoined: now, lastLogin: now };
  g.ctx.access.change((s) => { s.users.push(user); });
  // Quilt invites the new user by email, with a link to set their password (here: to the outbox).
  sendResetLink(g.ctx.access, g.ctx.config.dataDir, g.ctx.config.webAppUrl, user.name, 'invitation');
  return userView(g, user);
}

export const adminUserResolvers = {
  admin: (_a: Args, g: GqlContext) => {
    requireAdmin(g, 'admin');
    // One object serves Query.admin and Mutation.admin: graphql-js reads the fields each asks for.
    return {
      ...adminSettingQueries(g),
      ...adminSettingMutations(g),
      packager: { ...adminSettingQueries(g).packager, ...adminSettingMutations(g).packager },
      apiKeys: { ...adminSettingQueries(g).apiKeys, ...adminSettingMutations(g).apiKeys },
      bucketSetTabulatorTable: (a: Args) => tabulatorResolvers.bucketSetTabulatorTable(a, g),
      bucketRenameTabulatorTable: (a: Args) => tabulatorResolvers.bucketRenameTabulatorTable(a, g),
      user: {
        list: () => g.ctx.access.snapshot.users.map((u) => userView(g, u)),
        get: (a: Args) => { const u = g.ctx.access.user(String(a.name)); return u ? userView(g, u) : null; },
        create: (a: Args) => createUser(g, a),
        mutate: (a: Args) => mutateUser(g, String(a.name)),
      },
    };
  },
};
