/**
 * The GraphQL objects that refer to one another, as views over the access state: Quilt's
 * BucketConfig (its settings as the admin set them, the @admin ones refused to non-admins field by
 * field, as Quilt's directive does; the policies and roles that grant it; its collaborators),
 * ManagedRole, Policy and User — and the @admin check every admin field makes first.
 */
import type { PolicyRecord, RoleRecord, UserRecord } from '../../access/store.js';
import { HttpError } from '../../http.js';
import { bucketRecord } from '../../access/store.js';
import { tabulatorTables } from './bucket-view.js';
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

/** A GraphQL object view: plain values and field resolvers (graphql-js calls functions). */
export type View = Record<string, unknown>;

export function bucketConfig(g: GqlContext, name: string): View {
  const b = g.ctx.access.bucket(name) ?? bucketRecord(name);
  const admin = (field: string, value: () => unknown) => (): unknown => { requireAdmin(g, `BucketConfig.${field}`); return value(); };
  return {
    __typename: 'BucketConfig',
    name,
    title: b.title,
    description: b.description,
    iconUrl: b.iconUrl,
    linkedData: b.linkedData,
    overviewUrl: b.overviewUrl,
    tags: b.tags,
    relevanceScore: b.relevanceScore,
    lastIndexed: null,
    browsable: b.browsable,
    snsNotificationArn: admin('snsNotificationArn', () => b.snsNotificationArn),
    scannerParallelShardsDepth: admin('scannerParallelShardsDepth', () => b.scannerParallelShardsDepth),
    skipMetaDataIndexing: admin('skipMetaDataIndexing', () => b.skipMetaDataIndexing),
    fileExtensionsToIndex: admin('fileExtensionsToIndex', () => b.fileExtensionsToIndex),
    indexContentBytes: admin('indexContentBytes', () => b.indexContentBytes),
    prefixes: admin('prefixes', () => b.prefixes),
    associatedPolicies: admin('associatedPolicies', () => g.ctx.access.snapshot.policies.flatMap((p) => p.permissions.filter((x) => x.bucket === name)
      .map((x) => ({ __typename: 'PolicyBucketPermission', policy: policyView(g, p), bucket: bucketConfig(g, name), level: x.level })))),
    associatedRoles: admin('associatedRoles', () => g.ctx.access.snapshot.roles.flatMap((r) => g.ctx.access.permissionsOf(r).filter((x) => x.bucket === name)
      .map((x) => ({ __typename: 'RoleBucketPermission', role: roleView(g, r), bucket: bucketConfig(g, name), level: x.level })))),
    tabulatorTables: () => tabulatorTables(g, name),
    collaborators: () => collaborators(g, name),
  };
}

/** The active users whose roles grant the bucket, each with the highest level their roles grant. */
function collaborators(g: GqlContext, bucket: string): View[] {
  const a = g.ctx.access;
  const out: View[] = [];
  for (const u of a.snapshot.users) {
    if (!u.isActive) continue;
    const levels = [u.role, ...u.extraRoles].flatMap((r) => {
      const role = r === null ? undefined : a.role(r);
      return role ? a.permissionsOf(role).filter((p) => p.bucket === bucket).map((p) => p.level) : [];
    });
    if (!levels.length) continue;
    out.push({ __typename: 'CollaboratorBucketConnection', collaborator: { email: u.email, username: u.name }, permissionLevel: levels.includes('READ_WRITE') ? 'READ_WRITE' : 'READ' });
  }
  return out;
}
