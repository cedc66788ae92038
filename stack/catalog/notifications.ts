/**
 * Wires RGW bucket notifications to the catalog's indexer.
 *
 * At every start the catalog creates a FRESH persistent SNS topic on RGW (`<base>-<start id>`)
 * whose push endpoint is its /internal/s3-events, points its bucket notification (Id = <base>,
 * ObjectCreated:* and ObjectRemoved:*) at it, and deletes its older topics. Measured on RGW 16.2.15:
 * once a persistent topic's endpoint has been unreachable (the catalog restarting), RGW never
 * delivers from that topic's queue again (its queue worker hangs), while a new topic is picked up
 * by RGW's queue manager within ~30 s. Events that were left in the old queue are covered by the
 * backfill the catalog runs right after this set-up.
 *
 * While the catalog runs, RGW keeps events in the topic's queue until the catalog answers 200
 * (which it does only after queueing them durably on disk).
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

export interface NotificationSetup { topicArn: string; endpoint: string; buckets: string[]; removedTopics: string[] }

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

/** Creates this start's topic, points each bucket's notification at it and deletes older topics of the same base. */
export async function ensureNotifications(config: CatalogConfig, s3: S3Client, startId = randomBytes(4).toString('hex')): Promise<NotificationSetup> {
  const sns = snsClient(config);
  try {
    const endpoint = pushEndpoint(config);
    const name = `${config.topicName}-${startId}`;
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
    for (const arn of await listTopicArns(sns)) {
      const n = topicNameOf(arn);
      if (n !== name && (n === config.topicName || (n.startsWith(`${config.topicName}-`) && /^[0-9a-f]{8}$/.test(n.slice(config.topicName.length + 1))))) {
        await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
        removedTopics.push(n);
      }
    }
    return { topicArn, endpoint: endpoint.replace(/token=[^&]+/, 'token=…'), buckets: [...config.buckets], removedTopics };
  } finally {
    sns.destroy();
  }
}

/** Undoes ensureNotifications(): removes the bucket notifications and every topic of this base. */
export async function removeNotifications(config: CatalogConfig, s3: S3Client): Promise<string[]> {
  const sns = snsClient(config);
  try {
    for (const bucket of config.buckets) await deleteBucketNotification(s3, bucket, config.topicName);
    const removed: string[] = [];
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
