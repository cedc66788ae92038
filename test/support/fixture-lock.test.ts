/**
 * The fixture lock on the real RGW: runners asking for one fixture at the same moment (here 6
 * contenders, each with its own S3 client, as parallel workers or shards would be) make it
 * exactly once; a dead holder's stale lock does not block the next runner.
 *
 *   node --import tsx --test test/support/fixture-lock.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadStackConfig, localStackS3Client } from '@quilt-e2e/stack';
import { S3Store } from '@quilt-e2e/quilt-js';
import { FIXTURE_LOCK_PREFIX, onceAcrossRunners } from '../../support/fixtures/fixture-lock.js';

const bucket = loadStackConfig().s3.testBucket;

test('six runners at once: the fixture is made exactly once, and everybody sees it made', async (t) => {
  const id = randomBytes(4).toString('hex');
  const name = `unit-lock-${id}`;
  const doneKey = `unit-lock-${id}/done`;
  const clients = Array.from({ length: 6 }, () => localStackS3Client());
  t.after(async () => {
    const store = new S3Store(clients[0]!);
    await store.deleteAllVersions(bucket, `unit-lock-${id}/`);
    await store.deleteAllVersions(bucket, `${FIXTURE_LOCK_PREFIX}${name}`);
    for (const c of clients) c.destroy();
  });
  let makes = 0;
  const results = await Promise.all(clients.map((s3) => onceAcrossRunners(s3, bucket, name,
    () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: doneKey })).then(() => true, () => false),
    async () => { makes++; await new Promise((r) => setTimeout(r, 1500)); await s3.send(new PutObjectCommand({ Bucket: bucket, Key: doneKey, Body: 'made' })); })));
  assert.equal(makes, 1, 'made exactly once');
  assert.deepEqual(results.filter((r) => r === 'made').length, 1);
  assert.deepEqual(results.filter((r) => r === 'existed').length, 5);
  const store = new S3Store(clients[0]!);
  const left = [];
  for await (const v of store.listAllVersions(bucket, `${FIXTURE_LOCK_PREFIX}${name}`)) left.push(v);
  assert.equal(left.length, 0, 'the lock is released');
});

test('a stale lock of a killed runner does not block the next one', async (t) => {
  const id = randomBytes(4).toString('hex');
  const name = `unit-lock-${id}`;
  const s3 = localStackS3Client();
  t.after(async () => { await new S3Store(s3).deleteAllVersions(bucket, `${FIXTURE_LOCK_PREFIX}${name}`); s3.destroy(); });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${FIXTURE_LOCK_PREFIX}${name}`, Body: '{"owner":"killed"}' }));
  await new Promise((r) => setTimeout(r, 1200));
  let made = false;
  const r = await onceAcrossRunners(s3, bucket, name, async () => made, async () => { made = true; }, { staleMs: 1000 });
  assert.equal(r, 'made');
});

test('a lock name that is not lower-case letters, digits and dashes is refused with an example', async () => {
  await assert.rejects(onceAcrossRunners(localStackS3Client(), bucket, 'Big Folder', async () => false, async () => undefined), /use lower-case letters, digits and dashes, e\.g\. "large-folder-10000"/);
});
