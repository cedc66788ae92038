/**
 * The sweeper on the real RGW, in a bucket of its own (never the shared test bucket): it removes
 * exactly the suite's own leftovers, keeps fixtures and everything else, keeps what is younger
 * than the age, and refuses a bucket without the suite's marker.
 *
 *   node --import tsx --test test/support/sweeper.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { localStackS3Client } from '@quilt-e2e/stack';
import { S3Store } from '@quilt-e2e/quilt-js';
import { executeSweep, markTestBucket, parseAge, planSweep, SweepRefused } from '../../support/sweeper.js';

const s3 = localStackS3Client();
const store = new S3Store(s3);
const bucket = `quilt-e2e-sweeptest-${randomBytes(4).toString('hex')}`;
const ours = 'a'.repeat(64);
const fixture = 'b'.repeat(64);

before(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
});
after(async () => {
  await store.deleteAllVersions(bucket, '.');
  for (const p of ['quilt-e2e-runs/', 'quilt-e2e-fixtures/', 'data/', 'fixtures/', 'test-1a2b3c4d/', 'unit-0badc0de/', 'team/']) await store.deleteAllVersions(bucket, p);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  s3.destroy();
});

const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));

async function keys(): Promise<string[]> {
  const out: string[] = [];
  for (const p of ['quilt-e2e-runs/', 'quilt-e2e-fixtures/', 'data/', 'fixtures/', 'test-1a2b3c4d/', 'unit-0badc0de/', 'team/', '.quilt/']) for await (const v of store.listAllVersions(bucket, p)) out.push(v.key);
  return [...new Set(out)].sort();
}

test('a bucket without the suite\'s marker is refused, and nothing is deleted', async () => {
  await put('data/keep.csv', 'a,b\n');
  await assert.rejects(planSweep(s3, bucket, 0), (e: Error) => e instanceof SweepRefused && /refusing to sweep/.test(e.message) && /quilt-e2e-runs\/\.quilt-e2e-test-bucket/.test(e.message));
  assert.deepEqual(await keys(), ['data/keep.csv']);
});

test('only the suite\'s own leftovers go; fixtures, other data and manifests other pointers name stay', async () => {
  await markTestBucket(s3, bucket);
  await put('quilt-e2e-runs/20261201000000-abcdef/1a2b3c4d/data/file1.csv', 'x');
  await put('test-1a2b3c4d/lifecycle/file1.csv', 'x');
  await put('.quilt/named_packages/test-1a2b3c4d/lifecycle/latest', ours);
  await put('.quilt/named_packages/test-1a2b3c4d/lifecycle/1796150000', ours);
  await put(`.quilt/packages/${ours}`, '{}');
  await put('unit-0badc0de/src.txt', 'x');
  await put('quilt-e2e-fixtures/large-folder/_complete-10000', 'x');
  await put('.quilt/named_packages/fixtures/genomics/latest', fixture);
  await put(`.quilt/packages/${fixture}`, '{}');
  await put('team/analysis/report.csv', 'x');
  await put('.quilt/named_packages/team/analysis/latest', fixture);
  const orphanOurs = 'c'.repeat(64);
  const orphanTheirs = 'd'.repeat(64);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `.quilt/packages/${orphanOurs}`, Body: '{}', Metadata: { 'quilt-e2e-scenario': '20261201000000-abcdef/1a2b3c4d' } }));
  await put(`.quilt/packages/${orphanTheirs}`, '{}');

  const young = await planSweep(s3, bucket, parseAge('1h'));
  assert.equal(young.remove.length, 0, 'nothing is old enough');
  assert.ok(young.keptYoung.length >= 3);

  await new Promise((r) => setTimeout(r, 1100));
  const plan = await planSweep(s3, bucket, parseAge('1s'));
  assert.deepEqual(plan.remove.map((g) => g.name).sort(), ['package namespace test-1a2b3c4d', 'quilt-e2e-runs/20261201000000-abcdef/', 'scenario manifests of run 20261201000000-abcdef', 'unit-0badc0de/']);
  assert.equal(await executeSweep(s3, plan), 7);
  assert.deepEqual(await keys(), [
    '.quilt/named_packages/fixtures/genomics/latest', '.quilt/named_packages/team/analysis/latest', `.quilt/packages/${fixture}`, `.quilt/packages/${orphanTheirs}`,
    'data/keep.csv', 'quilt-e2e-fixtures/large-folder/_complete-10000', 'quilt-e2e-runs/.quilt-e2e-test-bucket', 'team/analysis/report.csv',
  ].sort());
});

test('ages are read with their unit, and a wrong one is explained', () => {
  assert.equal(parseAge('90s'), 90_000);
  assert.equal(parseAge('2h'), 7_200_000);
  assert.throws(() => parseAge('2 hours'), /write a number and a unit, e\.g\. 90s, 30m, 2h or 1d/);
});
