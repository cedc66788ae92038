/**
 * Quilt's bucket administration on the local catalog (bucketAdd / bucketUpdate / bucketRemove,
 * BucketConfig's @admin fields), against the real RGW and OpenSearch: an added bucket is served at
 * once — listed, indexed for search, grantable by a policy whose role's credentials RGW then lets
 * read it — and kept across a restart; a removed one leaves the policies (and the role's
 * credentials lose it), its search indexes go and its objects stay; bad input and non-admins are
 * refused with nothing changed. Starts its own catalog and a second bucket of its own.
 *
 *   node --import tsx --test packages/platform/test/catalog/buckets-admin.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command,
  PutBucketPolicyCommand, PutBucketVersioningCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { mintToken, openSearchClient, packagesIndex } from '@quilt-e2e/platform';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { testBucketPolicy } from '@quilt-e2e/stack';
import { startCatalogUnderTest, type CatalogUnderTest, type Persona } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
const extra = `quilt-e2e-added-${randomBytes(4).toString('hex')}`;
const NOTE = 'notes/hello-from-the-added-bucket.txt';

before(async () => {
  cat = await startCatalogUnderTest();
  const admin = cat.s3('admin');
  await admin.send(new CreateBucketCommand({ Bucket: extra }));
  await admin.send(new PutBucketVersioningCommand({ Bucket: extra, VersioningConfiguration: { Status: 'Enabled' } }));
  await admin.send(new PutBucketPolicyCommand({ Bucket: extra, Policy: testBucketPolicy(extra, cat.stack.s3Users) }));
  await admin.send(new PutObjectCommand({ Bucket: extra, Key: NOTE, Body: 'field notes, day one' }));
});

after(async () => {
  await cat?.teardown();
  const admin = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: cat.stack.s3Users.admin.accessKeyId, secretAccessKey: cat.stack.s3Users.admin.secretAccessKey } });
  const v = await admin.send(new ListObjectVersionsCommand({ Bucket: extra }));
  for (const o of [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])]) await admin.send(new DeleteObjectCommand({ Bucket: extra, Key: o.Key, VersionId: o.VersionId }));
  await admin.send(new DeleteBucketCommand({ Bucket: extra }));
  admin.destroy();
  const os = openSearchClient(cat.config.opensearchUrl);
  await os.indices.delete({ index: `${extra},${packagesIndex(extra)}`, ignore_unavailable: true }).catch(() => undefined);
  await os.close();
});

type Body = Record<string, unknown> & { data?: Record<string, unknown> | null; errors?: Array<{ message: string }> };
const gql = async (who: Persona, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: Body }> =>
  cat.post(who, { query, variables }) as Promise<{ status: number; body: Body }>;
const data = async (who: Persona, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
  const r = await gql(who, query, variables);
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data!;
};

const ADD = `mutation($i: BucketAddInput!) { bucketAdd(input: $i) { __typename ... on BucketAddSuccess { bucketConfig { name title description fileExtensionsToIndex indexContentBytes prefixes } } ... on InsufficientPermissions { message } } }`;
const served = async (): Promise<string[]> => ((await data('admin', '{ bucketConfigs { name } }')).bucketConfigs as Array<{ name: string }>).map((b) => b.name).sort();

/** Lists the bucket with the credentials get_credentials hands `user`: "ok" or S3's error name. */
async function listWithCredentials(user: string, bucket: string): Promise<string> {
  const token = await mintToken(user, { secret: cat.config.jwt.secret, issuer: cat.config.jwt.issuer, audience: cat.config.jwt.audience });
  const r = await cat.get('/api/auth/get_credentials', null, { authorization: `Bearer ${token}` });
  assert.equal(r.status, 200, r.text);
  const c = r.body as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const s3 = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  try { return await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })).then(() => 'ok', (e: Error) => e.name); } finally { s3.destroy(); }
}

test('a non-admin asking to add, update or remove a bucket is refused, and nothing changes', async () => {
  const before = await served();
  for (const [query, variables] of [
    [ADD, { i: { name: extra, title: 'Sneaky' } }],
    ['mutation($n: String!) { bucketUpdate(name: $n, input: { title: "Sneaky" }) { __typename } }', { n: cat.bucket }],
    ['mutation($n: String!) { bucketRemove(name: $n) { __typename } }', { n: cat.bucket }],
  ] as const) {
    const r = await gql('reader', query, variables);
    assert.match(JSON.stringify(r.body.errors ?? []), /for admins only/, JSON.stringify(r.body));
  }
  // BucketConfig's @admin fields are refused to a non-admin too; its other fields are not.
  const r = await gql('reader', '{ bucketConfig(name: $n) { name prefixes } }'.replace('$n', JSON.stringify(cat.bucket)));
  assert.match(JSON.stringify(r.body.errors ?? []), /BucketConfig\.prefixes is for admins only/);
  assert.deepEqual(await served(), before);
});

test('bad input is answered in Quilt\'s words, and nothing is added', async () => {
  const before = await served();
  const answer = async (input: Record<string, unknown>): Promise<string> => ((await data('admin', ADD, { i: { title: 'x', ...input } })).bucketAdd as { __typename: string }).__typename;
  assert.equal(await answer({ name: `quilt-e2e-no-such-bucket-${randomBytes(4).toString('hex')}` }), 'BucketDoesNotExist');
  assert.equal(await answer({ name: 'Not_A_Bucket_Name' }), 'BucketDoesNotExist');
  assert.equal(await answer({ name: cat.bucket }), 'BucketAlreadyAdded');
  assert.equal(await answer({ name: extra, fileExtensionsToIndex: ['csv'] }), 'BucketFileExtensionsToIndexInvalid');
  assert.equal(await answer({ name: extra, indexContentBytes: -1 }), 'BucketIndexContentBytesInvalid');
  assert.equal(await answer({ name: extra, snsNotificationArn: 'not-an-arn' }), 'SnsInvalid');
  assert.equal(await answer({ name: extra, snsNotificationArn: 'arn:aws:sns:us-east-1:123456789012:quilt-events' }), 'NotificationTopicNotFound');
  const unknown = await data('admin', 'mutation { bucketUpdate(name: "quilt-e2e-never-added", input: { title: "x" }) { __typename } bucketRemove(name: "quilt-e2e-never-added") { __typename } }');
  assert.deepEqual(unknown, { bucketUpdate: { __typename: 'BucketNotFound' }, bucketRemove: { __typename: 'BucketNotFound' } });
  assert.deepEqual(await served(), before);
});

test('an added bucket is served at once: listed, searchable, grantable by a policy that RGW then enforces; kept across a restart', async () => {
  const added = (await data('admin', ADD, { i: { name: extra, title: 'Field notes', description: 'Notes from the field', fileExtensionsToIndex: ['.txt', '.md'], indexContentBytes: 4096 } })).bucketAdd;
  assert.deepEqual(added, { __typename: 'BucketAddSuccess', bucketConfig: { name: extra, title: 'Field notes', description: 'Notes from the field', fileExtensionsToIndex: ['.txt', '.md'], indexContentBytes: 4096, prefixes: [] } });
  assert.ok((await served()).includes(extra));
  // The indexer scans the new bucket into its own index.
  await cat.searchUntil('hello-from-the-added-bucket', (hits) => hits.some((h) => h._source.key === NOTE), `the added bucket's ${NOTE} in search`, 30_000, extra);
  // A policy may grant it now; a role from it and a user with that role read it with their credentials.
  const policy = (await data('admin', 'mutation($i: ManagedPolicyInput!) { policyCreateManaged(input: $i) { __typename ... on Policy { id } ... on InvalidInput { errors { message } } } }',
    { i: { title: `read ${extra}`, permissions: [{ bucket: extra, level: 'READ' }], roles: [] } })).policyCreateManaged as { __typename: string; id: string };
  assert.equal(policy.__typename, 'Policy', JSON.stringify(policy));
  const role = `field-${randomBytes(3).toString('hex')}`;
  const made = (await data('admin', 'mutation($i: ManagedRoleInput!) { roleCreateManaged(input: $i) { __typename } }', { i: { name: role, policies: [policy.id] } })).roleCreateManaged;
  assert.deepEqual(made, { __typename: 'RoleCreateSuccess' });
  const user = `field-user-${randomBytes(3).toString('hex')}`;
  const u = (await data('admin', 'mutation($i: UserInput!) { admin { user { create(input: $i) { __typename } } } }', { i: { name: user, email: `${user}@example.com`, role } })) as { admin: { user: { create: { __typename: string } } } };
  assert.equal(u.admin.user.create.__typename, 'User');
  assert.equal(await listWithCredentials(user, extra), 'ok');
  // The admin's view of the bucket names the policy and the role that grant it.
  const view = (await data('admin', `{ bucketConfig(name: ${JSON.stringify(extra)}) { associatedPolicies { policy { id } level } associatedRoles { role { ... on ManagedRole { name } } level } } }`)).bucketConfig;
  assert.deepEqual(view, { associatedPolicies: [{ policy: { id: policy.id }, level: 'READ' }], associatedRoles: [{ role: { name: role }, level: 'READ' }] });
  // bucketUpdate changes what it is given; the settings survive a restart.
  const updated = (await data('admin', `mutation { bucketUpdate(name: ${JSON.stringify(extra)}, input: { title: "Field notes, 2026", prefixes: ["notes/"] }) { __typename ... on BucketUpdateSuccess { bucketConfig { title description prefixes } } } }`)).bucketUpdate;
  assert.deepEqual(updated, { __typename: 'BucketUpdateSuccess', bucketConfig: { title: 'Field notes, 2026', description: 'Notes from the field', prefixes: ['notes/'] } });
  await cat.restart();
  const kept = (await data('admin', `{ bucketConfig(name: ${JSON.stringify(extra)}) { title prefixes fileExtensionsToIndex } }`)).bucketConfig;
  assert.deepEqual(kept, { title: 'Field notes, 2026', prefixes: ['notes/'], fileExtensionsToIndex: ['.txt', '.md'] });

  // Removed: no longer served, no policy grants it, the role's next credentials may not read it; its objects stay.
  assert.deepEqual((await data('admin', `mutation { bucketRemove(name: ${JSON.stringify(extra)}) { __typename } }`)).bucketRemove, { __typename: 'BucketRemoveSuccess' });
  assert.ok(!(await served()).includes(extra));
  assert.equal((await data('admin', `{ bucketConfig(name: ${JSON.stringify(extra)}) { name } }`)).bucketConfig, null);
  const p = (await data('admin', `{ policy(id: ${JSON.stringify(policy.id)}) { permissions { bucket { name } } } }`)).policy as { permissions: unknown[] };
  assert.deepEqual(p.permissions, []);
  assert.equal(await listWithCredentials(user, extra), 'AccessDenied');
  await cat.s3('admin').send(new HeadObjectCommand({ Bucket: extra, Key: NOTE }));
  const search = await cat.get(`/api/search?index=${encodeURIComponent(extra)}&action=search&query=hello-from-the-added-bucket`, 'admin');
  assert.doesNotMatch(search.text, /hello-from-the-added-bucket/, `a search of the removed bucket finds nothing of it: ${search.text.slice(0, 200)}`);
  const os = openSearchClient(cat.config.opensearchUrl);
  try { assert.equal((await os.indices.exists({ index: extra })).body, false, 'the removed bucket\'s search index is deleted'); } finally { await os.close(); }
});
