/**
 * Quilt's BucketConfig of a served bucket: its settings as the admin set them (bucketAdd /
 * bucketUpdate; the @admin ones refused to non-admins, field by field, as Quilt's directive does),
 * the policies and roles that grant it, and its Tabulator tables — the configs under
 * .quilt/tabulator/ read with the caller's own keys.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { bucketRecord } from '../../access/store.js';
import { s3ErrorStatus } from '../../authz.js';
import { policyView, requireAdmin, roleView } from './admin-views.js';
import type { GqlContext } from './common.js';

export const TABULATOR_PREFIX = '.quilt/tabulator/';

export async function tabulatorTables(g: GqlContext, bucket: string): Promise<Array<{ name: string; config: string }>> {
  const s3 = g.ctx.clients.for(g.user);
  const out: Array<{ name: string; config: string }> = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: TABULATOR_PREFIX, ContinuationToken: token }));
    for (const o of r.Contents ?? []) {
      const m = /^\.quilt\/tabulator\/([^/]+)\.ya?ml$/.exec(o.Key ?? '');
      if (!m) continue;
      // A config removed between the listing and this read (a parallel removal) is no table any more.
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key })).catch((e: unknown) => {
        if (s3ErrorStatus(e).name === 'NoSuchKey' || s3ErrorStatus(e).status === 404) return undefined;
        throw e;
      });
      if (body) out.push({ name: m[1]!, config: await body.Body!.transformToString('utf-8') });
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
