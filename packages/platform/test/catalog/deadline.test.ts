/**
 * The catalog's per-request deadline against the real stack: a catalog started with
 * QUILT_E2E_CATALOG_DEADLINE_MS=300 answers a request that needs longer with 503 DeadlineExceeded
 * (naming the setting) soon after the deadline, and keeps serving everyone else.
 *
 *   node --import tsx --test packages/platform/test/catalog/deadline.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;

before(async () => {
  process.env.QUILT_E2E_CATALOG_DEADLINE_MS = '300';
  cat = await startCatalogUnderTest();
});
after(async () => { await cat?.teardown(); });

test('a request past its deadline is answered 503 DeadlineExceeded at the deadline, and the catalog keeps serving', async () => {
  // 3,000 entries whose objects the catalog looks up one by one (8 at a time): seconds of work.
  const entries = Array.from({ length: 3000 }, (_, i) => ({ logicalKey: `f${i}.txt`, physicalKey: `s3://${cat.bucket}/deadline/missing-${i}.txt` }));
  const t = performance.now();
  const r = await cat.post('admin', {
    query: 'mutation($p: PackagePushParams!, $s: PackageConstructSource!) { packageConstruct(params: $p, src: $s) { __typename } }',
    variables: { p: { bucket: cat.bucket, name: 'deadline/test' }, s: { entries } },
  });
  const took = performance.now() - t;
  assert.equal(r.status, 503, JSON.stringify(r.body).slice(0, 300));
  assert.equal(r.body.error, 'DeadlineExceeded');
  assert.match(String(r.body.message), /within 300 ms \(QUILT_E2E_CATALOG_DEADLINE_MS\)/);
  assert.ok(took < 2000, `answered after ${Math.round(took)} ms`);
  const ok = await cat.post('reader', { query: '{ me { name } }' });
  assert.equal(ok.status, 200);
  const health = await cat.get('/health');
  assert.equal(health.status, 200);
});
