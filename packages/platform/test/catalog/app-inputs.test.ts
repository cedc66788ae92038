/**
 * What the web catalog's creation dialog (quilt3-local 2.0.0) sends besides GraphQL's current
 * inputs, on a real catalog over the real RGW: `POST /api/package_name_valid` as the name is typed,
 * and `packageConstruct` with each entry's hash as the SHA-256 hex string (the input before
 * quiltdata/quilt#3403) — read as {type: "SHA256"} and checked against the object like any hash
 * (the manifest then holds the object's hash in quilt3's current kind, sha2-256-chunked).
 *
 *   node --import tsx --test packages/platform/test/catalog/app-inputs.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

const valid = async (name: unknown, persona: 'admin' | null = 'admin'): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(`${cat.url}/api/package_name_valid`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(persona ? { authorization: `Bearer ${await cat.token(persona)}` } : {}) },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: r.status, body: await r.json() };
};

test('package_name_valid answers whether quilt3 takes the name; it needs a token and a name', async () => {
  assert.deepEqual(await valid('team/dataset_1'), { status: 200, body: { valid: true } });
  for (const bad of ['dataset', 'team/data set', '/dataset', 'team/', 'a/b/c']) {
    assert.deepEqual(await valid(bad), { status: 200, body: { valid: false } }, bad);
  }
  assert.equal((await valid('team/dataset', null)).status, 401);
  const noName = await valid(undefined);
  assert.equal(noName.status, 400);
  assert.match(JSON.stringify(noName.body), /name/);
});

const CONSTRUCT = `mutation($params: PackagePushParams!, $src: PackageConstructSource!) {
  packageConstruct(params: $params, src: $src) {
    __typename
    ... on PackagePushSuccess { revision { hash } }
    ... on InvalidInput { errors { path name message } }
  }
}`;

test("an entry's hash sent as a SHA-256 string is read as {type: SHA256} and checked against the object", async () => {
  const run = randomBytes(4).toString('hex');
  const bytes = Buffer.from(`well,signal\nA1,0.${run}\n`);
  const key = `dialog/${run}/assay.csv`;
  await cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: bytes }));
  const sha = createHash('sha256').update(bytes).digest('hex');
  const vars = (hash: string) => ({
    params: { bucket: cat.bucket, name: `dialog/p${run}`, message: 'from the dialog' },
    src: { entries: [{ logicalKey: 'assay.csv', physicalKey: `s3://${cat.bucket}/${key}`, hash, size: bytes.length }] },
  });
  const wrong = await cat.post('admin', { query: CONSTRUCT, variables: vars('0'.repeat(64)) });
  const refused = (wrong.body.data as { packageConstruct: { __typename: string; errors: Array<{ name: string; path: string }> } }).packageConstruct;
  assert.equal(refused.__typename, 'InvalidInput');
  assert.deepEqual(refused.errors.map((e) => [e.path, e.name]), [['src.entries[0].hash', 'ChecksumMismatch']]);

  const right = await cat.post('admin', { query: CONSTRUCT, variables: vars(sha) });
  const pushed = (right.body.data as { packageConstruct: { __typename: string; revision: { hash: string } } }).packageConstruct;
  assert.equal(pushed.__typename, 'PackagePushSuccess', JSON.stringify(right.body));
  const manifest = await cat.s3('admin').send(new GetObjectCommand({ Bucket: cat.bucket, Key: `.quilt/packages/${pushed.revision.hash}` }));
  const entry = (await manifest.Body!.transformToString()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { logical_key?: string; hash?: unknown }).find((e) => e.logical_key === 'assay.csv');
  // The manifest holds the object's hash in quilt3's current kind (one chunk: base64 of the SHA-256 of its SHA-256).
  const chunked = createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest('base64');
  assert.deepEqual(entry?.hash, { type: 'sha2-256-chunked', value: chunked });

  const notHex = await cat.post('admin', { query: CONSTRUCT, variables: vars('not-a-hash') });
  assert.equal(notHex.status, 400, 'a string that is no SHA-256 stays what GraphQL refuses');
});
