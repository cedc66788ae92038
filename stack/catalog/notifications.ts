/**
 * Wires RGW bucket notifications to the catalog's indexer.
 *
 * The catalog pushes events through a persistent SNS topic on RGW (`<base>-<hex>`) whose push
 * endpoint is its /internal/s3-events, and a bucket notification (Id = <base>, ObjectCreated:* and
 * ObjectRemoved:*) on each served bucket. Measured on RGW 16.2.15:
 * - once a push to a persistent topic's endpoint has failed (the catalog was down while events
 *   came), RGW never delivers from that topic's queue again (its queue worker hangs);
 * - a NEW topic is picked up by RGW's queue manager only at its next periodic scan (~0-30 s).
 * So: on a clean stop the catalog removes its bucket notifications but keeps the (drained) topic,
 * and the next start re-attaches it and proves delivery with a canary object within seconds; when
 * the canary does not come through (after a crash the topic may be stalled) it switches to a fresh
 * topic and deletes the old ones. The backfill that follows each set-up catches up with whatever
 * happened while no notification was attached.
 *
 * DANGER (RGW 16 bug): with an ObjectRemoved notification on a bucket, a DeleteObjects
 * (multi-object delete) request on that bucket aborts radosgw. Delete one object at a time.
 */
import '../lib/aws-env.js';
import { randomBytes } from 'node:crypto';
import { CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, type S3Client, type TopicConfiguration,
} from '@aws-sdk/client-s3';
import { eventsToken, type CatalogConfig } from './config.js';

export const NOTIFICATION_EVENTS = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] as const;

export function pushEndpoint(config: CatalogConfig): string {
  return `${config.url}/internal/s3-events?token=${eventsToken(config)}`;
}

export interface NotificationSetup { topicArn: string; topicName: string; endpoint: string; buckets: string[]; removedTopics: string[] }

function snsClient(config: CatalogConfig): SNSClient {
  const admin = config.users[config.indexerUser]!;
  return new SNSClient({
    endpoint: config.s3Endpoint, region: config.region,
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
    maxAttempts: 2,
  });
}

async function listTopicArns(sns: SNSClient): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await sns.send(new ListTopicsCommand({ NextToken: token }));
    for (const t of r.Topics ?? []) if (t.TopicArn) out.push(t.TopicArn);
    token = r.NextToken || undefined;
  } while (token);
  return out;
}

const topicNameOf = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);

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

/**
 * Points each bucket's notification at topic `<base>-<id>` (created, or its attributes refreshed
 * when it exists) and, unless `keepOthers`, deletes the other topics of the same base.
 */
export async function ensureNotifications(config: CatalogConfig, s3: S3Client, id = randomBytes(4).toString('hex'), keepOthers = false): Promise<NotificationSetup> {
  const sns = snsClient(config);
  try {
    const endpoint = pushEndpoint(config);
    const name = `${config.topicName}-${id}`;
    const topic = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { 'push-endpoint': endpoint, persistent: 'true' } }));
    const topicArn = topic.TopicArn;
    if (!topicArn) throw new Error(`RGW created topic ${name} but returned no ARN`);
    for (const bucket of config.buckets) {
      const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
      const others = (current.TopicConfigurations ?? []).filter((t) => t.Id !== config.topicName);
      if ((current.TopicConfigurations ?? []).some((t) => t.Id === config.topicName)) await deleteBucketNotification(s3, bucket, config.topicName);
      const ours: TopicConfiguration = { Id: config.topicName, TopicArn: topicArn, Events: [...NOTIFICATION_EVENTS] };
      await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { TopicConfigurations: [...others, ours] } }));
    }
    const removedTopics: string[] = [];
    if (!keepOthers) {
      for (const arn of await listTopicArns(sns)) {
        const n = topicNameOf(arn);
        if (n !== name && (n === config.topicName || (n.startsWith(`${config.topicName}-`) && /^[0-9a-f]{8}$/.test(n.slice(config.topicName.length + 1))))) {
          await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
          removedTopics.push(n);
        }
      }
    }
    return { topicArn, topicName: name, endpoint: endpoint.replace(/token=[^&]+/, 'token=…'), buckets: [...config.buckets], removedTopics };
  } finally {
    sns.destroy();
  }
}

/** Does topic `<base>-<id>` exist on RGW? */
export async function topicExists(config: CatalogConfig, id: string): Promise<boolean> {
  const sns = snsClient(config);
  try {
    return (await listTopicArns(sns)).some((arn) => topicNameOf(arn) === `${config.topicName}-${id}`);
  } finally {
    sns.destroy();
  }
}

/**
 * Undoes ensureNotifications(): removes the bucket notifications and (unless `keepTopics`) every
 * topic of this base.
 */
export async function removeNotifications(config: CatalogConfig, s3: S3Client, keepTopics = false): Promise<string[]> {
  const sns = snsClient(config);
  try {
    for (const bucket of config.buckets) await deleteBucketNotification(s3, bucket, config.topicName);
    const removed: string[] = [];
    if (keepTopics) return removed;
    for (const arn of await listTopicArns(sns)) {
      const n = topicNameOf(arn);
      if (n === config.topicName || n.startsWith(`${config.topicName}-`)) {
        await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
        removed.push(n);
      }
    }
    return removed;
  } finally {
    sns.destroy();
  }
}
