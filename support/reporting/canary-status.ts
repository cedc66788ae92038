/**
 * The local stack's canaries: after each @canary scenario on the local target, its result is kept
 * in the stack's status bucket — one object per canary, `canaries/<name>.json`, its runs appended —
 * where the catalog answers it as Quilt's admin status (the web catalog's Admin → Status page). A
 * real deployment's canaries are Quilt's own: nothing is written there.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { STATUS_BUCKET } from '@quilt-e2e/constants';
import type { QuiltWorld } from '../../world/quilt-world.js';

/** Runs kept per canary (the status page's series covers at most a few weeks of runs). */
const KEEP_RUNS = 500;
let bucketReady: Promise<void> | undefined;

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

export async function recordCanaryRun(world: QuiltWorld, scenario: { name: string; uri: string }, ok: boolean): Promise<void> {
  if (world.target.kind !== 'local') return;
  const s3 = world.s3('admin');
  bucketReady ??= s3.send(new CreateBucketCommand({ Bucket: STATUS_BUCKET })).then(() => undefined, (e: Error) => {
    if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(e.name)) { bucketReady = undefined; throw e; }
  });
  await bucketReady;
  const name = slug(scenario.name);
  const Key = `canaries/${name}.json`;
  const before = await s3.send(new GetObjectCommand({ Bucket: STATUS_BUCKET, Key })).then(async (r) => JSON.parse(await r.Body!.transformToString()) as { runs?: Array<{ at: string; ok: boolean }> }, () => ({ runs: [] }));
  const record = {
    name,
    title: scenario.name,
    description: `Quilt's canary as a scenario of the acceptance suite (${scenario.uri})`,
    group: 'acceptance suite',
    schedule: 'every run of the acceptance suite',
    region: world.target.s3.region,
    runs: [...(before.runs ?? []), { at: new Date().toISOString(), ok }].slice(-KEEP_RUNS),
  };
  await s3.send(new PutObjectCommand({ Bucket: STATUS_BUCKET, Key, Body: JSON.stringify(record), ContentType: 'application/json' }));
}
