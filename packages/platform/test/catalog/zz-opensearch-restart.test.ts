/**
 * OpenSearch stopped and restarted exactly as the stack does it (npm run stack -- down opensearch,
 * then up opensearch): the catalog reports unhealthy while it is down, keeps every RGW event in
 * its durable queue, recovers by itself and the indexes catch up - nothing is lost.
 * Named zz- so that it runs after the other catalog tests; it always leaves OpenSearch running.
 *
 *   node --import tsx --test packages/platform/test/catalog/zz-opensearch-restart.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { gql } from 'graphql-request';
import { loadStackConfig, opensearch, waitUntil } from '@quilt-e2e/stack';
import { chunkedSha256OfBytes } from '@quilt-e2e/quilt-js';
import { eventually } from '@quilt-e2e/test-kit';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
const stackConfig = loadStackConfig();

function stack(command: 'up' | 'down'): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/stack/src/cli.ts', command, 'opensearch'], { cwd: process.cwd(), encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run stack -- ${command} opensearch failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

before(async () => { cat = await startCatalogUnderTest(); });
after(async () => {
  // Whatever happened, OpenSearch is left running.
  if (!await opensearch.healthy(stackConfig).catch(() => false)) stack('up');
  await cat?.teardown();
});

test('no event is lost while OpenSearch is down; /health is 503 meanwhile and recovers by itself', { timeout: 600_000 }, async () => {
  const run = randomBytes(4).toString('hex');
  const s3 = cat.s3('admin');
  const doomed = `osdown/${run}/doomed.txt`;
  const dv = await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: doomed, Body: `doomed${run}` }));
  await cat.searchUntil(`doomed${run}`, (h) => h.length === 1, 'indexed before the outage');

  stack('down');
  const unhealthy = await waitUntil(async () => (await cat.get('/health')).status === 503, 20_000, 200);
  assert.ok(unhealthy, '/health should answer 503 while OpenSearch is down');
  const h = (await cat.get('/health')).body as { ok: boolean; opensearch: { ok: boolean } };
  assert.deepEqual([h.ok, h.opensearch.ok], [false, false]);

  // Writes during the outage: objects, a deletion and a package.
  const keys = Array.from({ length: 10 }, (_, i) => `osdown/${run}/file-${i}.txt`);
  for (const [i, key] of keys.entries()) await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: `outage${run} number${i}` }));
  await s3.send(new DeleteObjectCommand({ Bucket: cat.bucket, Key: doomed, VersionId: dv.VersionId }));
  const body = Buffer.from(`package data ${run}\n`);
  await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `osdown/${run}/pkg.txt`, Body: body }));
  const pkg = `cattest/osdown-${run}`;
  const pushed = await cat.gql('admin').request<{ packageConstruct: { __typename: string; revision?: { hash: string } } }>(gql`
    mutation($p: PackagePushParams!, $s: PackageConstructSource!) { packageConstruct(params: $p, src: $s) { __typename ... on PackagePushSuccess { revision { hash } } } }`,
  { p: { bucket: cat.bucket, name: pkg, message: 'during the outage' }, s: { entries: [{ logicalKey: 'pkg.txt', physicalKey: `s3://${cat.bucket}/osdown/${run}/pkg.txt`, hash: { type: 'sha2-256-chunked', value: chunkedSha256OfBytes(body) }, size: body.length }] } });
  assert.equal(pushed.packageConstruct.__typename, 'PackagePushSuccess', 'S3 writes do not need OpenSearch');

  const queued = await waitUntil(async () => ((await cat.get('/internal/indexer')).body as { queueLength: number }).queueLength >= keys.length, 30_000, 200);
  assert.ok(queued, `the events should wait in the durable queue: ${(await cat.get('/internal/indexer')).text}`);

  stack('up');
  const healthy = await waitUntil(async () => (await cat.get('/health')).status === 200, 120_000, 500);
  assert.ok(healthy, '/health should recover by itself once OpenSearch is back');
  const t0 = Date.now();
  await cat.searchUntil(`outage${run}`, (hits) => hits.length === keys.length, 'every object written during the outage', 60_000);
  await cat.searchUntil(`doomed${run}`, (hits) => hits.length === 0, 'the deletion made during the outage', 60_000);
  await eventually(async () => {
    const r = await cat.get(`/api/search?index=${cat.bucket}_packages&action=freeform&body=${encodeURIComponent(JSON.stringify({ query: { term: { ptr_name: pkg } } }))}`, 'reader');
    assert.equal((r.body as { hits: { hits: unknown[] } }).hits.hits.length, 2, r.text.slice(0, 300));
  }, { timeoutMs: 60_000, intervalMs: 250, what: 'the package pushed during the outage' });
  const stats = (await cat.get('/internal/indexer')).body as { queueLength: number; retrying: boolean };
  assert.equal(stats.queueLength, 0);
  assert.equal(stats.retrying, false);
  process.stdout.write(`# opensearch restart: caught up ${Date.now() - t0} ms after /health recovered\n`);
});
