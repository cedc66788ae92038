/**
 * The scratch bucket: a private bucket of the stack's admin user that the catalog does not serve,
 * for files the SQL layer makes itself (Tabulator's pinned copies of non-current object versions,
 * Parquet written by Trino for fixtures). Keeping them out of the test bucket keeps them out of the
 * search index.
 */
import { CreateBucketCommand, HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { S3Store } from '@quilt-e2e/quilt-js';

import { DEFAULT_SCRATCH_BUCKET } from '@quilt-e2e/constants';

export { DEFAULT_SCRATCH_BUCKET };

const ensured = new Set<string>();

/** Creates the scratch bucket when it does not exist (idempotent, cached per process). */
export async function ensureScratchBucket(s3: S3Client, bucket = DEFAULT_SCRATCH_BUCKET): Promise<string> {
  if (ensured.has(bucket)) return bucket;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw new Error(`cannot check the scratch bucket s3://${bucket}: ${(e as Error).name}: ${(e as Error).message} (HTTP ${status ?? '?'})`, { cause: e });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (c) {
      const name = (c as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
        throw new Error(`cannot create the scratch bucket s3://${bucket}: ${name}: ${(c as Error).message}`, { cause: c });
      }
    }
  }
  ensured.add(bucket);
  return bucket;
}

/** Keys under a prefix (current objects). */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of r.Contents ?? []) if (o.Key) out.push(o.Key);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/**
 * Counts the objects under a prefix, stopping as soon as there are more than `cap`
 * (returns cap + 1 then). One ListObjectsV2 page per 1000 objects.
 */
export async function countKeys(s3: S3Client, bucket: string, prefix: string, cap: number): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    n += r.KeyCount ?? r.Contents?.length ?? 0;
    if (n > cap) return cap + 1;
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return n;
}

/** Permanently deletes every version under a non-empty prefix, one DeleteObject at a time. */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  return new S3Store(s3).deleteAllVersions(bucket, prefix);
}
