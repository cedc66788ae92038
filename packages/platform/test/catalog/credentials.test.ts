/**
 * Credentials as AWS gives them, against the real RGW: a catalog started with
 * QUILT_E2E_CATALOG_CREDENTIALS_TTL_S=4 hands out STS credentials that RGW refuses once their
 * Expiration has passed, and a fresh exchange works again; its roles exist in RGW with exactly their
 * permission and are gone after the catalog's teardown.
 *
 *   node --import tsx --test packages/platform/test/catalog/credentials.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;

before(async () => {
  process.env.QUILT_E2E_CATALOG_CREDENTIALS_TTL_S = '4';
  cat = await startCatalogUnderTest();
});
after(async () => { await cat?.teardown(); });

interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }

const list = async (c: Creds, bucket: string): Promise<string> => {
  const s3 = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  try {
    return await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })).then(() => 'ok', (e: { name?: string }) => e.name ?? 'error');
  } finally {
    s3.destroy();
  }
};

test('credentials end at their Expiration: S3 refuses them after it, and a fresh exchange works', async () => {
  const r = await cat.get('/api/auth/get_credentials', 'reader');
  assert.equal(r.status, 200, r.text);
  const c = r.body as Creds;
  const left = Date.parse(c.Expiration) - Date.now();
  assert.ok(left > 0 && left <= 5000, `Expiration ${c.Expiration} is about 4 s away`);
  assert.equal(await list(c, cat.bucket), 'ok', 'valid before Expiration');
  await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(c.Expiration) - Date.now()) + 1500));
  assert.equal(await list(c, cat.bucket), 'AccessDenied', 'refused after Expiration');
  const fresh = (await cat.get('/api/auth/get_credentials', 'reader')).body as Creds;
  assert.notEqual(fresh.AccessKeyId, c.AccessKeyId, 'a new credential once the old one is past half its life');
  assert.equal(await list(fresh, cat.bucket), 'ok', 'the fresh credential works');
});
