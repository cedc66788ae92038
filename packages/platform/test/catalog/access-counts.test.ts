/**
 * Access counts as Quilt's catalog shows them: reads of a package's manifests through S3 (the
 * stack's S3 front records each GetObject, as CloudTrail does on AWS) and by the registry itself
 * come back as the package's and the revision's accessCounts, per day; HEADs, listings and the search indexer's reads are not
 * counted, as Quilt's access_counts lambda does not count them; nothing read: Quilt's null.
 * Needs the stack's S3 front (npm run stack -- up); starts its own catalog.
 *
 *   node --import tsx --test packages/platform/test/catalog/access-counts.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { eventually } from '@quilt-e2e/test-kit';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
let front: S3Client;
const name = `cattest/viewed-${randomBytes(4).toString('hex')}`;

before(async () => {
  cat = await startCatalogUnderTest();
  const u = cat.stack.s3Users.reader;
  front = createS3Client({ endpoint: `http://127.0.0.1:${cat.stack.ports.s3Front}`, region: cat.stack.s3.region, credentials: { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey } });
});
after(async () => { front?.destroy(); await cat?.teardown(); });

type Counts = { total: number; counts: Array<{ date: string; value: number }> } | null;
// Asked without opening the revision (the registry would read its manifest: a view).
const COUNTS = 'query($b: String!, $n: String!, $w: Int) { package(bucket: $b, name: $n) { accessCounts(window: $w) { total counts { date value } } revisions { page { hash accessCounts { total } } } } }';
async function countsOf(window?: number): Promise<{ pkg: Counts; rev: { total: number } | null; hash: string }> {
  const r = await cat.post('reader', { query: COUNTS, variables: { b: cat.bucket, n: name, ...(window ? { w: window } : {}) } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const p = (r.body.data as { package: { accessCounts: Counts; revisions: { page: Array<{ hash: string; accessCounts: { total: number } | null }> } } }).package;
  return { pkg: p.accessCounts, rev: p.revisions.page[0]!.accessCounts, hash: p.revisions.page[0]!.hash };
}

test('reads of a package\'s manifest are its views, per day — through S3 and the registry\'s own; HEADs, listings and the indexer\'s reads are not', async () => {
  await cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: `src/${name}.txt`, Body: 'viewed' }));
  const made = await cat.post('admin', {
    query: 'mutation($p: PackagePushParams!, $s: PackageConstructSource!) { packageConstruct(params: $p, src: $s) { __typename ... on PackagePushSuccess { revision { hash } } } }',
    variables: { p: { bucket: cat.bucket, name, message: 'to be viewed' }, s: { entries: [{ logicalKey: 'notes.txt', physicalKey: `s3://${cat.bucket}/src/${name}.txt` }] } },
  });
  assert.equal(((made.body.data as { packageConstruct: { __typename: string } }).packageConstruct).__typename, 'PackagePushSuccess', JSON.stringify(made.body));
  const before = await countsOf();
  assert.deepEqual([before.pkg, before.rev], [null, null], 'nothing read yet: Quilt\'s null');

  const Key = `.quilt/packages/${before.hash}`;
  for (let i = 0; i < 3; i++) await (await front.send(new GetObjectCommand({ Bucket: cat.bucket, Key }))).Body!.transformToString();
  await front.send(new HeadObjectCommand({ Bucket: cat.bucket, Key }));
  await front.send(new ListObjectsV2Command({ Bucket: cat.bucket, Prefix: '.quilt/packages/' }));
  // Quilt's search indexer names itself in its user agent.
  const indexer = new S3Client({ endpoint: `http://127.0.0.1:${cat.stack.ports.s3Front}`, region: cat.stack.s3.region, forcePathStyle: true, credentials: { accessKeyId: cat.stack.s3Users.reader.accessKeyId, secretAccessKey: cat.stack.s3Users.reader.secretAccessKey }, customUserAgent: 'quilt3-lambdas-es-indexer/1.0' });
  await (await indexer.send(new GetObjectCommand({ Bucket: cat.bucket, Key }))).Body!.transformToString();
  indexer.destroy();

  const today = new Date().toISOString().slice(0, 10);
  await eventually(async () => {
    const now = await countsOf();
    assert.equal(now.pkg?.total, 3, `the package's views: ${JSON.stringify(now.pkg)}`);
    assert.equal(now.rev?.total, 3, 'the revision\'s views');
    assert.equal(now.pkg!.counts.length, 30, 'a count for each day of Quilt\'s default window');
    assert.deepEqual(now.pkg!.counts.at(-1), { date: `${today}T00:00:00.000Z`, value: 3 }, 'today\'s count, last');
    assert.ok(now.pkg!.counts.slice(0, -1).every((c) => c.value === 0), 'no views on earlier days');
  }, { timeoutMs: 5_000, what: 'the reads counted' });
  assert.equal((await countsOf(7)).pkg!.counts.length, 7, 'the window asked for');
  // The registry reads the manifest to answer for the revision's contents: a view, as on AWS.
  const opened = await cat.post('reader', { query: 'query($b: String!, $n: String!) { package(bucket: $b, name: $n) { revision(hashOrTag: "latest") { message } } }', variables: { b: cat.bucket, n: name } });
  assert.equal(JSON.stringify(opened.body.data), JSON.stringify({ package: { revision: { message: 'to be viewed' } } }));
  await eventually(async () => { assert.equal((await countsOf()).pkg?.total, 4, 'the registry\'s read counted'); }, { timeoutMs: 5_000, what: 'the registry\'s read counted' });
  const bad = await cat.post('reader', { query: COUNTS, variables: { b: cat.bucket, n: name, w: 0 } });
  assert.match(JSON.stringify(bad.body.errors), /window is a number of days, 1 to 3650/);
});
