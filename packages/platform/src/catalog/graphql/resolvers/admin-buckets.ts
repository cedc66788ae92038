/**
 * Quilt's bucket administration (@admin): bucketAdd, bucketUpdate, bucketRemove, with Quilt's
 * result unions. An added bucket is served at once — bucketConfigs, policies may grant it (and the
 * roles' IAM policies in RGW follow), the change feed follows its bucket index log and the indexer
 * scans it (unless delayScan) into its own search indexes. A removed bucket leaves every policy that
 * granted it and its search indexes are deleted; its objects in S3 are not touched. Bad input is
 * answered before anything changes.
 */
import type { BucketRecord } from '../../access/store.js';
import { bucketRecord } from '../../access/store.js';
import { s3ErrorStatus } from '../../authz.js';
import { CONTENT_INDEXING } from '../../indexer/reconcilers.js';
import { packagesIndex } from '../../search-index.js';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { applyRoles } from './admin-roles.js';
import { requireAdmin } from './views.js';
import { bucketConfig } from './views.js';
import type { Args, GqlContext } from './common.js';

/** S3's bucket naming rules (3-63 lowercase letters, digits, dots and hyphens; letter or digit at both ends). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A file extension as Quilt's indexer takes them: a dot and a suffix, e.g. ".csv" or ".tar.gz". */
const EXTENSION = /^\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

type Settings = Partial<Omit<BucketRecord, 'name' | 'addedAt'>> & { title: string };
const union = (name: string) => ({ __typename: name, _: null });

/** Quilt's answer to a bad setting, or null when every setting is acceptable. */
function settingsProblem(input: Settings): Record<string, unknown> | null {
  if (input.fileExtensionsToIndex?.some((e) => !EXTENSION.test(e))) return union('BucketFileExtensionsToIndexInvalid');
  const bytes = input.indexContentBytes;
  if (bytes !== undefined && bytes !== null && (!Number.isInteger(bytes) || bytes < CONTENT_INDEXING.bytesMin || bytes > CONTENT_INDEXING.bytesMax)) return union('BucketIndexContentBytesInvalid');
  const sns = input.snsNotificationArn;
  if (sns !== undefined && sns !== null) {
    if (!/^arn:aws:sns:[a-z0-9-]*:\d*:[\w-]{1,256}$/.test(sns)) return union('SnsInvalid');
    // The stack has no SNS: its changes come from RGW's bucket index log, so no topic can be found.
    return union('NotificationTopicNotFound');
  }
  return null;
}

/** The record's settings from an input (absent fields keep `base`'s). */
function withSettings(base: BucketRecord, input: Settings): BucketRecord {
  const out = { ...base };
  for (const [k, v] of Object.entries(input)) {
    if (k === 'name' || k === 'delayScan' || v === undefined) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  out.relevanceScore = input.relevanceScore ?? base.relevanceScore;
  out.browsable = input.browsable ?? base.browsable;
  out.prefixes = input.prefixes ?? base.prefixes;
  return out;
}

/** Can the catalog (its indexer's keys) reach the bucket? An answer for bucketAdd, or null when it can. */
async function reachProblem(g: GqlContext, name: string): Promise<Record<string, unknown> | null> {
  const s3 = g.ctx.clients.for(g.ctx.config.indexerUser);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }), { abortSignal: g.deadline });
    return null;
  } catch (e) {
    const { name: code, status } = s3ErrorStatus(e);
    if (status === 404 || code === 'NotFound' || code === 'NoSuchBucket') return union('BucketDoesNotExist');
    if (status === 403 || code === 'AccessDenied') {
      return { __typename: 'InsufficientPermissions', message: `the catalog may not read the bucket ${name} (S3 answered ${code || 'AccessDenied'}): let the catalog's user ${g.ctx.config.indexerUser} list and read it (its bucket policy), then add it again` };
    }
    throw e;
  }
}

export const adminBucketResolvers = {
  bucketAdd: async (a: Args, g: GqlContext) => {
    requireAdmin(g, 'bucketAdd');
    const input = a.input as Settings & { name: string; delayScan?: boolean | null };
    if (!BUCKET_NAME.test(input.name)) return union('BucketDoesNotExist');
    if (g.ctx.access.bucket(input.name)) return union('BucketAlreadyAdded');
    const bad = settingsProblem(input);
    if (bad) return bad;
    const unreachable = await reachProblem(g, input.name);
    if (unreachable) return unreachable;
    const record = withSettings(bucketRecord(input.name, input.title), input);
    g.ctx.access.change((s) => {
      // A parallel bucketAdd of the same name: the first one wins.
      if (!s.buckets.some((b) => b.name === record.name)) s.buckets.push(record);
    });
    g.ctx.authz.forget();
    g.ctx.log(`buckets: ${g.user} added ${record.name} ("${record.title}")${input.delayScan ? '; its scan is delayed' : '; scanning it'}`);
    if (!input.delayScan) g.ctx.indexer.requestBackfill();
    g.ctx.feed?.poke();
    return { __typename: 'BucketAddSuccess', bucketConfig: bucketConfig(g, record.name) };
  },

  bucketUpdate: (a: Args, g: GqlContext) => {
    requireAdmin(g, 'bucketUpdate');
    const name = String(a.name);
    const input = a.input as Settings;
    const old = g.ctx.access.bucket(name);
    if (!old) return union('BucketNotFound');
    const bad = settingsProblem(input);
    if (bad) return bad;
    g.ctx.access.change((s) => {
      const i = s.buckets.findIndex((b) => b.name === name);
      if (i >= 0) s.buckets[i] = withSettings(s.buckets[i]!, input);
    });
    return { __typename: 'BucketUpdateSuccess', bucketConfig: bucketConfig(g, name) };
  },

  bucketRemove: async (a: Args, g: GqlContext) => {
    requireAdmin(g, 'bucketRemove');
    const name = String(a.name);
    if (!g.ctx.access.bucket(name)) return union('BucketNotFound');
    const touched = g.ctx.access.change((s) => {
      s.buckets = s.buckets.filter((b) => b.name !== name);
      const ids = new Set<string>();
      for (const p of s.policies) {
        if (p.permissions.some((x) => x.bucket === name)) ids.add(p.id);
        p.permissions = p.permissions.filter((x) => x.bucket !== name);
      }
      return s.roles.filter((r) => r.policies.some((id) => ids.has(id))).map((r) => r.name);
    });
    // The roles that granted it lose it in RGW too; their users' cached credentials and answers go.
    await applyRoles(g, touched);
    await g.ctx.os.indices.delete({ index: [name, packagesIndex(name)], ignore_unavailable: true })
      .catch((e: unknown) => g.ctx.log(`buckets: could not delete the search indexes of ${name} (${(e as Error).message}); they are no longer searched`));
    g.ctx.log(`buckets: ${g.user} removed ${name} (its objects in S3 are untouched; ${touched.length} role(s) no longer grant it)`);
    return { __typename: 'BucketRemoveSuccess', _: null };
  },
};
