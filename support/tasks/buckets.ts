/**
 * The buckets a catalog serves, as an admin administers them — with quilt3's own admin API
 * (quilt3.admin.buckets, logged in with Dana's API key): an added bucket is listed by the catalog,
 * its files are found by search and a role granting it reads them with the catalog's credentials;
 * a removed one leaves the catalog and every policy, and its files stay. The bucket a scenario makes
 * is versioned, carries the stack's bucket policy, and is removed (from the catalog, then every
 * version, then the bucket) after the scenario, also when it fails.
 */
import { expect } from 'chai';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, HeadObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutBucketPolicyCommand,
  PutBucketVersioningCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { eventually } from '@quilt-e2e/test-kit';
import { testBucketPolicy } from '@quilt-e2e/stack';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { Quilt3Client } from '../quilt3/client.js';
import { admin, asUser, createUser, makeRole, s3WithExchanged } from './admin.js';
import { makeKey } from './api-keys.js';

/** How long the indexer may take to scan a newly added bucket. */
const SCAN_DEADLINE_MS = Number(process.env.QUILT_E2E_INDEX_DEADLINE_MS ?? 20_000) + 10_000;

const newBucket = (world: QuiltWorld): string => world.memory.newBucket;

/** Deletes every version and delete marker of a bucket the scenario made (and nothing else: it is its own). */
async function emptyOwnBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const v = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const all = [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])].map((o) => ({ Key: o.Key!, VersionId: o.VersionId! }));
    if (all.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: all, Quiet: true } }));
    if (!v.IsTruncated) return;
  }
}

/** Dana makes a versioned bucket (the stack's bucket policy on it) holding one file; gone after the scenario. */
export async function makeBucket(world: QuiltWorld, key: string): Promise<void> {
  const stack = world.target.stack;
  if (!stack) throw new Error('a scenario makes its own bucket on the local stack only (tag it @local-only)');
  const bucket = `quilt-e2e-scn-${world.scenarioId}`;
  const s3 = world.s3('admin');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  world.ledger.register(`bucket ${bucket}`, async () => {
    await admin(world).graphql(`mutation { bucketRemove(name: ${JSON.stringify(bucket)}) { __typename } }`);
    await emptyOwnBucket(s3, bucket);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  });
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: testBucketPolicy(bucket, stack.s3Users) }));
  await world.objects('admin').put(bucket, [{ key, body: `a file of ${bucket}` }]);
  world.memory.newBucket = bucket;
}

/** Dana's API key, for quilt3's admin API. */
async function danaKey(world: QuiltWorld): Promise<string> {
  const key = world.memory.apiKeys.get('dana-admin') ?? await makeKey(world, admin(world), `dana-admin-${world.scenarioId}`, 'Dana');
  world.memory.apiKeys.set('dana-admin', key);
  return key.secret;
}

export async function addBucketWithQuilt3(world: QuiltWorld, title: string): Promise<void> {
  world.memory.quilt3Bucket = await new Quilt3Client(world.target).adminBucketAdd(await danaKey(world), newBucket(world), title);
}

export async function removeBucketWithQuilt3(world: QuiltWorld): Promise<void> {
  await new Quilt3Client(world.target).adminBucketRemove(await danaKey(world), newBucket(world));
}

/** Given: the bucket added (through the engine's GraphQL) and a role granting read on it. */
export async function addBucketAndReadRole(world: QuiltWorld, role: string): Promise<void> {
  await admin(world).expectAnswer(`mutation { bucketAdd(input: { name: ${JSON.stringify(newBucket(world))}, title: "Added by a scenario" }) { __typename } }`, {}, 'bucketAdd', 'BucketAddSuccess');
  await makeRole(world, role, newBucket(world), 'READ');
}

/** The catalog's bucket list (GraphQL, as Dana) has the new bucket with that title, and quilt3 was answered the same. */
export async function expectListed(world: QuiltWorld, title: string): Promise<void> {
  const r = await admin(world).graphql<{ bucketConfigs: Array<{ name: string; title: string }> }>('{ bucketConfigs { name title } }');
  expect(r.bucketConfigs.find((b) => b.name === newBucket(world)), `bucketConfigs lists ${newBucket(world)}`).to.deep.equal({ name: newBucket(world), title });
  expect(world.memory.quilt3Bucket, 'what quilt3.admin.buckets.add answered').to.include({ name: newBucket(world), title });
}

/** The catalog's search API, over the new bucket's index, finds the file (within the scan deadline). */
export async function expectSearchFinds(world: QuiltWorld, key: string): Promise<void> {
  await eventually(async () => {
    const r = await admin(world).search({ index: newBucket(world), action: 'search', query: key.split('/').pop()!, size: 20 });
    const keys = r.hits.hits.map((h) => (h._source as { key?: string }).key);
    expect(keys, `search of ${newBucket(world)}`).to.include(key);
  }, { timeoutMs: SCAN_DEADLINE_MS, what: `the search of the new bucket finding ${key}` });
}

/** A user with a role reading `key` of the new bucket with the credentials the catalog hands them: "read" or S3's refusal. */
async function readAsRoleUser(world: QuiltWorld, role: string, key: string): Promise<string> {
  await createUser(world, `${role}-user`, role, [], true);
  const c = await asUser(world, `${role}-user`).credentials();
  const s3 = s3WithExchanged(world, c);
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: newBucket(world), MaxKeys: 1 }));
    await s3.send(new HeadObjectCommand({ Bucket: newBucket(world), Key: key }));
    return 'read';
  } catch (e) {
    return (e as Error).name;
  } finally {
    s3.destroy();
  }
}

export async function expectRoleReads(world: QuiltWorld, key: string): Promise<void> {
  await makeRole(world, 'new-bucket-readers', newBucket(world), 'READ');
  expect(await readAsRoleUser(world, 'new-bucket-readers', key), 'S3, with the credentials of a role granting read on the new bucket').to.equal('read');
}

export async function expectRoleMayNotRead(world: QuiltWorld, role: string, key: string): Promise<void> {
  expect(await readAsRoleUser(world, role, key), 'S3, with the credentials of a role whose only bucket was removed').to.equal('AccessDenied');
}

/** The catalog lists the bucket no more, and no policy names it. */
export async function expectUnlisted(world: QuiltWorld): Promise<void> {
  const r = await admin(world).graphql<{ bucketConfigs: Array<{ name: string }>; policies: Array<{ title: string; permissions: Array<{ bucket: { name: string } }> }> }>(
    '{ bucketConfigs { name } policies { title permissions { bucket { name } } } }');
  expect(r.bucketConfigs.map((b) => b.name), 'bucketConfigs').to.not.include(newBucket(world));
  expect(r.policies.filter((p) => p.permissions.some((x) => x.bucket.name === newBucket(world))).map((p) => p.title), 'policies granting the removed bucket').to.deep.equal([]);
}

export async function expectFileStays(world: QuiltWorld, key: string): Promise<void> {
  const head = await world.s3('admin').send(new HeadObjectCommand({ Bucket: newBucket(world), Key: key }));
  expect(head.ContentLength, `s3://${newBucket(world)}/${key} in S3`).to.be.greaterThan(0);
}
