/**
 * What a set of credentials may really do in a bucket — measured by real calls, never inferred:
 * list (ListObjectsV2), read (a ranged GET of an object), write (a real PUT of a probe object,
 * then the removal of exactly that version), and read the bucket policy (owner-level access).
 */
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetBucketPolicyCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export type PermissionLevel = 'full_access' | 'read_write' | 'read_only' | 'list_only' | 'write_only' | 'no_access';

export interface AccessReport {
  bucket: string;
  permissionLevel: PermissionLevel;
  accessSummary: { canList: boolean; canRead: boolean; canWrite: boolean; canReadPolicy: boolean };
  /** How each permission was established, or why it was refused. */
  evidence: Record<'list' | 'read' | 'write' | 'policy', string>;
}

/** Who a set of credentials is (STS GetCallerIdentity) and what they may do in a bucket. */
export interface PermissionDiscovery {
  /** The caller's ARN, e.g. arn:aws:sts::<account>:assumed-role/<role>/<session>. */
  callerArn: string;
  access: AccessReport;
}

/** An IAM role ARN's account and name, and an STS assumed-role session ARN's (undefined: not that kind of ARN). */
export function roleArnParts(arn: string): { account: string; role: string } | undefined {
  const m = /^arn:aws:iam::(\d*):role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  return m ? { account: m[1]!, role: m[2]! } : undefined;
}
export function sessionArnParts(arn: string): { account: string; role: string; session: string } | undefined {
  const m = /^arn:aws:sts::(\d*):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return m ? { account: m[1]!, role: m[2]!, session: m[3]! } : undefined;
}

const denied = (e: unknown): string => {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return `${err.Code ?? err.name ?? 'Error'} (HTTP ${err.$metadata?.httpStatusCode ?? '?'})`;
};

const isDenied = (e: unknown): boolean => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403;

export async function checkBucketAccess(s3: S3Client, bucket: string, options: { sampleKey?: string; probePrefix?: string } = {}): Promise<AccessReport> {
  const evidence = { list: '', read: '', write: '', policy: '' };
  let canList = false;
  let sampleKey = options.sampleKey;
  try {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
    canList = true;
    sampleKey ??= r.Contents?.[0]?.Key;
    evidence.list = 'ListObjectsV2 succeeded';
  } catch (e) {
    if (!isDenied(e) && (e as { name?: string }).name !== 'NoSuchBucket') throw e;
    evidence.list = `ListObjectsV2 refused: ${denied(e)}`;
  }
  let canRead = false;
  if (sampleKey) {
    try {
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: sampleKey, Range: 'bytes=0-0' })).then((r) => r.Body?.transformToByteArray());
      canRead = true;
      evidence.read = `GetObject of ${sampleKey} succeeded`;
    } catch (e) {
      if (!isDenied(e)) throw e;
      evidence.read = `GetObject of ${sampleKey} refused: ${denied(e)}`;
    }
  } else {
    evidence.read = 'not established: no object could be listed or was named to read';
  }
  let canWrite = false;
  const probe = `${options.probePrefix ?? '.quilt-e2e-access-probe/'}${randomBytes(6).toString('hex')}`;
  try {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: probe, Body: 'access probe' }));
    canWrite = true;
    // Remove exactly the version written, so a versioned bucket keeps no trace of the probe.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: probe, ...(put.VersionId ? { VersionId: put.VersionId } : {}) }));
    evidence.write = `PutObject of a probe object succeeded and the probe was removed`;
  } catch (e) {
    if (!isDenied(e)) throw e;
    evidence.write = `PutObject of a probe object refused: ${denied(e)}`;
  }
  let canReadPolicy = false;
  try {
    await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    canReadPolicy = true;
    evidence.policy = 'GetBucketPolicy succeeded';
  } catch (e) {
    const code = (e as { name?: string; Code?: string }).Code ?? (e as { name?: string }).name;
    if (code === 'NoSuchBucketPolicy') { canReadPolicy = true; evidence.policy = 'GetBucketPolicy answered: no policy'; } else evidence.policy = `GetBucketPolicy refused: ${denied(e)}`;
  }
  const permissionLevel: PermissionLevel = canList && canRead && canWrite ? (canReadPolicy ? 'full_access' : 'read_write')
    : canList && canRead ? 'read_only'
      : canWrite ? 'write_only'
        : canList ? 'list_only' : 'no_access';
  return { bucket, permissionLevel, accessSummary: { canList, canRead, canWrite, canReadPolicy }, evidence };
}
