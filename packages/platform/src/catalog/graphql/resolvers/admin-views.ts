/**
 * The admin API's objects (Quilt's ManagedRole, Policy, User) as views over the access state, and
 * the @admin check every admin field makes first.
 */
import type { PolicyRecord, RoleRecord, UserRecord } from '../../access/store.js';
import { HttpError } from '../../http.js';
import { bucketConfig } from './bucket-view.js';
import type { GqlContext } from './common.js';

/** Refuses (403) unless the caller is an admin, as Quilt's @admin directive does. */
export function requireAdmin(g: GqlContext, what: string): void {
  if (g.ctx.access.user(g.user)?.isAdmin !== true) throw new HttpError(403, 'Forbidden', `${what} is for admins only: user ${g.user} is not an admin`);
}

export function roleView(g: GqlContext, r: RoleRecord) {
  if (r.arn !== undefined) return { __typename: 'UnmanagedRole', id: r.id, name: r.name, arn: r.arn };
  return {
    __typename: 'ManagedRole',
    id: r.id,
    name: r.name,
    arn: g.ctx.roles.arnOf(r),
    policies: () => r.policies.map((id) => g.ctx.access.policy(id)).filter((p): p is PolicyRecord => p !== undefined).map((p) => policyView(g, p)),
    permissions: () => g.ctx.access.permissionsOf(r).map((p) => ({ __typename: 'RoleBucketPermission', role: roleView(g, r), bucket: bucketConfig(g, p.bucket), level: p.level })),
  };
}

export function policyView(g: GqlContext, p: PolicyRecord) {
  return {
    __typename: 'Policy',
    id: p.id,
    title: p.title,
    arn: `arn:aws:iam:::policy/quilt-e2e/${p.id}`,
    managed: true,
    permissions: () => p.permissions.map((x) => ({ __typename: 'PolicyBucketPermission', policy: policyView(g, p), bucket: bucketConfig(g, x.bucket), level: x.level })),
    roles: () => g.ctx.access.snapshot.roles.filter((r) => r.policies.includes(p.id)).map((r) => roleView(g, r)),
  };
}

export function userView(g: GqlContext, u: UserRecord) {
  const role = (name: string | null) => {
    const r = name === null ? undefined : g.ctx.access.role(name);
    return r ? roleView(g, r) : null;
  };
  return {
    __typename: 'User',
    name: u.name,
    email: u.email,
    dateJoined: u.dateJoined,
    lastLogin: u.lastLogin,
    isActive: u.isActive,
    isAdmin: u.isAdmin,
    isSsoOnly: false,
    isService: false,
    role: role(u.role),
    extraRoles: u.extraRoles.map(role).filter((r) => r !== null),
    isRoleAssignmentDisabled: false,
    isAdminAssignmentDisabled: false,
  };
}
