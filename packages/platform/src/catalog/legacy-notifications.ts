/**
 * Stacks made before the change feed (change-feed.ts) wired RGW bucket
 * notifications to the catalog. Such a notification must not stay: with an ObjectRemoved
 * notification on a bucket, RGW 16.2 aborts on any multi-object delete. The catalog removes its
 * own (by its Id) at start; notifications of anybody else are left alone.
 */
import { GetBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Removes one notification (by Id) from a bucket: RGW's `DELETE /<bucket>?notification=<id>`,
 * which the AWS SDK has no command for, sent as a re-targeted GetBucketNotificationConfiguration
 * request so the SDK still signs it.
 */
export async function deleteBucketNotification(s3: S3Client, bucket: string, id: string): Promise<void> {
  const cmd = new GetBucketNotificationConfigurationCommand({ Bucket: bucket });
  cmd.middlewareStack.add((next) => async (args) => {
    const request = args.request as { method: string; query: Record<string, string> };
    request.method = 'DELETE';
    request.query = { notification: id };
    return next(args);
  }, { step: 'build', name: 'rgwDeleteNotification' });
  try {
    await s3.send(cmd);
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 200 || status === 204 || status === 404) return; // done (the empty answer may not parse)
    throw e;
  }
}

/** True when the bucket had the catalog's old notification (it is gone now). */
export async function removeLegacyNotification(s3: S3Client, bucket: string, id: string): Promise<boolean> {
  const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  if (!(current.TopicConfigurations ?? []).some((t) => t.Id === id)) return false;
  await deleteBucketNotification(s3, bucket, id);
  return true;
}
