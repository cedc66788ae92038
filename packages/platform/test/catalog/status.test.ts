/**
 * Quilt's admin status on the local stack: the canaries kept in the status bucket (one object per
 * canary, its runs), answered as Quilt's Status — each canary's last result, the latest figures, a
 * daily series; no status bucket: Quilt's Unavailable; a non-admin refused. Starts its own catalog
 * with its own status bucket.
 *
 *   node --import tsx --test packages/platform/test/catalog/status.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

const bucket = `quilt-e2e-status-test-${randomBytes(4).toString('hex')}`;
let cat: CatalogUnderTest;
before(async () => {
  process.env.QUILT_E2E_CATALOG_STATUS_BUCKET = bucket;
  cat = await startCatalogUnderTest();
});
after(async () => {
  for (const Key of ['canaries/push.json', 'canaries/search.json', 'canaries/junk.json']) await cat?.s3('admin').send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => undefined);
  await cat?.s3('admin').send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  await cat?.teardown();
});

const STATUS = `{ status { __typename ... on Status {
  reportsBucket canaries { name title group schedule region ok lastRun }
  latestStats { passed failed running } stats(window: 3) { datetimes passed failed } reports { total page { timestamp } } } } }`;

test('the status bucket\'s canaries are Quilt\'s status: last results, latest figures, a daily series; none kept: Unavailable', async () => {
  const none = await cat.post('admin', { query: STATUS });
  assert.deepEqual(none.body.data, { status: { __typename: 'Unavailable' } }, 'no status bucket: no canaries on this stack');

  const s3 = cat.s3('admin');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const day = 86_400_000;
  const now = Date.now();
  const at = (msAgo: number): string => new Date(now - msAgo).toISOString();
  const canary = (name: string, runs: Array<{ at: string; ok: boolean }>) => JSON.stringify({ name, title: `Canary ${name}`, description: 'd', group: 'acceptance suite', schedule: 'every run', region: 'us-east-1', runs });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'canaries/search.json', Body: canary('search', [{ at: at(2 * day), ok: true }, { at: at(1000), ok: false }]) }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'canaries/push.json', Body: canary('push', [{ at: at(2000), ok: true }, { at: at(2 * day + 5000), ok: false }]) }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'canaries/junk.json', Body: 'not json' }));

  const r = await cat.post('admin', { query: STATUS });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const st = (r.body.data as { status: Record<string, unknown> }).status;
  assert.equal(st.__typename, 'Status');
  assert.equal(st.reportsBucket, bucket);
  assert.deepEqual(st.canaries, [
    { name: 'push', title: 'Canary push', group: 'acceptance suite', schedule: 'every run', region: 'us-east-1', ok: true, lastRun: at(2000) },
    { name: 'search', title: 'Canary search', group: 'acceptance suite', schedule: 'every run', region: 'us-east-1', ok: false, lastRun: at(1000) },
  ], 'each canary\'s latest run (by time, not by order in the record); the unreadable object left out');
  assert.deepEqual(st.latestStats, { passed: 1, failed: 1, running: 0 });
  const stats = st.stats as { datetimes: string[]; passed: number[]; failed: number[] };
  const today = new Date(Math.floor(now / day) * day);
  assert.deepEqual(stats.datetimes, [2, 1, 0].map((d) => new Date(today.getTime() - d * day).toISOString()), 'the window\'s days, oldest first');
  const dayOf = (msAgo: number): number => 2 - Math.round((today.getTime() - Math.floor((now - msAgo) / day) * day) / day);
  const expected = { passed: [0, 0, 0], failed: [0, 0, 0] };
  for (const [msAgo, ok] of [[2 * day, true], [1000, false], [2000, true], [2 * day + 5000, false]] as const) (ok ? expected.passed : expected.failed)[dayOf(msAgo)]! += 1;
  assert.deepEqual({ passed: stats.passed, failed: stats.failed }, expected);
  assert.deepEqual(st.reports, { total: 0, page: [] }, 'no rendered reports are made here');

  const reader = await cat.post('reader', { query: STATUS });
  assert.equal(reader.body.data, null, 'a non-admin is refused');
  assert.match(JSON.stringify(reader.body.errors), /admin/i);
});
