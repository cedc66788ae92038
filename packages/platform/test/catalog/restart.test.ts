/**
 * The catalog catches up after its own restart: what changed in S3 while it was down is indexed
 * (and what was deleted is removed): its change feed resumes RGW's bucket index log where it
 * stopped, so nothing that happened while it was down is missed, and new changes flow at once.
 *
 *   node --import tsx --test packages/platform/test/catalog/restart.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

test('changes made while the catalog is down are indexed after it restarts, and new events flow again', async () => {
  const run = randomBytes(4).toString('hex');
  const s3 = cat.s3('admin');
  const gone = `restart/${run}/gone${run}.txt`;
  const v1 = await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: gone, Body: `goneword${run}` }));
  await cat.searchUntil(`goneword${run}`, (h) => h.length === 1, 'indexed before the restart');

  await cat.stop();
  // The catalog hooks nothing into RGW (no notification topic: multi-object deletes stay safe).
  const hooks = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: cat.bucket }));
  assert.deepEqual(hooks.TopicConfigurations ?? [], [], 'the bucket carries no notification');
  const whileDown = `restart/${run}/down.txt`;
  await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: whileDown, Body: `downword${run}` }));
  await s3.send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: gone, VersionId: v1.VersionId }));

  const t0 = Date.now();
  await cat.restart();
  await cat.searchUntil(`downword${run}`, (h) => h.length === 1, 'the object written while the catalog was down');
  await cat.searchUntil(`goneword${run}`, (h) => h.length === 0, 'the version deleted while the catalog was down');
  const caughtUp = Date.now() - t0;

  const after = `restart/${run}/after.txt`;
  const t1 = Date.now();
  await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: after, Body: `afterword${run}` }));
  await cat.searchUntil(`afterword${run}`, (h) => h.length === 1, 'an object written after the restart', 10_000);
  const lag = Date.now() - t1;
  const h = await cat.get('/health');
  assert.equal(h.status, 200);
  assert.ok(lag < 10_000, `lag after restart ${lag} ms`);
  process.stdout.write(`# restart: caught up ${caughtUp} ms after the restart began; a new write was searchable after ${lag} ms\n`);
});

test('after a crash (SIGKILL) the catalog resumes the bucket index log where it stopped: everything is caught up', async () => {
  const run = randomBytes(4).toString('hex');
  const s3 = cat.s3('admin');
  await cat.crash();
  // Nothing is pushed to a dead catalog: these wait in RGW's bucket index log.
  for (let i = 0; i < 3; i++) await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `crash/${run}/${i}.txt`, Body: `crashword${run}` }));
  const t0 = Date.now();
  await cat.start();
  await cat.searchUntil(`crashword${run}`, (h) => h.length === 3, 'objects written while the catalog was dead');
  const t1 = Date.now();
  await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `crash/${run}/after.txt`, Body: `aftercrash${run}` }));
  await cat.searchUntil(`aftercrash${run}`, (h) => h.length === 1, 'an object written after the recovery', 10_000);
  process.stdout.write(`# crash: caught up ${t1 - t0} ms after the start; a new write was searchable after ${Date.now() - t1} ms\n`);
});
