/**
 * Quilt's access model on the local catalog, against the real RGW: the admin API (policies, managed
 * roles, users) with Quilt's names and result unions, roles that are real IAM roles in RGW whose
 * STS credentials RGW enforces, deactivated and deleted users refused everywhere, non-admins refused
 * with nothing changed, bad input refused with what was wrong, and the state kept across a restart.
 * Starts its own catalog (its own bucket, data folder and RGW roles).
 *
 *   node --import tsx --test packages/platform/test/catalog/admin.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mintToken, rgwRoleName } from '@quilt-e2e/platform';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { startCatalogUnderTest, type CatalogUnderTest, type Persona } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

type Body = Record<string, unknown> & { data?: Record<string, unknown> | null; errors?: Array<{ message: string }> };
const gql = async (who: Persona | string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: Body }> => {
  if (who === 'admin' || who === 'reader' || who === 'outsider') return cat.post(who, { query, variables }) as Promise<{ status: number; body: Body }>;
  return cat.post(null, { query, variables }, { authorization: `Bearer ${await tokenOf(who)}` }) as Promise<{ status: number; body: Body }>;
};
const tokenOf = (user: string): Promise<string> => mintToken(user, { secret: cat.config.jwt.secret, issuer: cat.config.jwt.issuer, audience: cat.config.jwt.audience });
const get = async (user: string, path: string): Promise<{ status: number; body: unknown }> => cat.get(path, null, { authorization: `Bearer ${await tokenOf(user)}` });

interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
async function rights(user: string): Promise<{ list: string; put: string }> {
  const r = await get(user, '/api/auth/get_credentials');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const c = r.body as Creds;
  const s3 = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  try {
    const list = await s3.send(new ListObjectsV2Command({ Bucket: cat.bucket, MaxKeys: 1 })).then(() => 'ok', (e: Error) => e.name);
    const put = await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `admin-test/${user}-${randomBytes(3).toString('hex')}.txt`, Body: 'x' })).then(() => 'ok', (e: Error) => e.name);
    return { list, put };
  } finally {
    s3.destroy();
  }
}

const ROLES = '{ roles { __typename ... on ManagedRole { id name arn permissions { bucket { name } level } policies { title } } } }';

describe('admin API', () => {
  const user = `newbie-${randomBytes(3).toString('hex')}`;
  let writerRoleId = '';

  test('the seed: three managed roles with their permissions, the personas as users; the defaultRole', async () => {
    const r = await gql('admin', ROLES);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const roles = (r.body.data!.roles as Array<{ name: string; arn: string; permissions: Array<{ bucket: { name: string }; level: string }> }>);
    assert.deepEqual(roles.map((x) => [x.name, x.permissions.map((p) => `${p.bucket.name}:${p.level}`).join()]), [
      ['ReadWriteQuiltBucket', `${cat.bucket}:READ_WRITE`], ['ReadQuiltBucket', `${cat.bucket}:READ`], ['NoQuiltBucket', ''],
    ]);
    assert.match(roles[0]!.arn, /^arn:aws:iam:::role\/cattest-[0-9a-f]+-ReadWriteQuiltBucket$/);
    const users = await gql('admin', '{ admin { user { list { name isAdmin isActive role { ... on ManagedRole { name } } } } } }');
    const list = (users.body.data!.admin as { user: { list: Array<{ name: string; isAdmin: boolean; role: { name: string } }> } }).user.list;
    assert.deepEqual(list.map((u) => [u.name, u.isAdmin, u.role.name]), [
      [cat.uid('admin'), true, 'ReadWriteQuiltBucket'], [cat.uid('reader'), false, 'ReadQuiltBucket'], [cat.uid('outsider'), false, 'NoQuiltBucket'],
    ]);
    const d = await gql('admin', '{ defaultRole { ... on ManagedRole { name } } }');
    assert.deepEqual(d.body.data, { defaultRole: { name: 'ReadQuiltBucket' } });
  });

  test('an admin makes a READ_WRITE policy, a role from it and a user with that role: the user\'s credentials write', async () => {
    const p = await gql('admin', 'mutation($i: ManagedPolicyInput!) { policyCreateManaged(input: $i) { __typename ... on Policy { id title permissions { level } } } }',
      { i: { title: 'Writers of the test bucket', permissions: [{ bucket: cat.bucket, level: 'READ_WRITE' }], roles: [] } });
    const policy = p.body.data!.policyCreateManaged as { __typename: string; id: string };
    assert.equal(policy.__typename, 'Policy', JSON.stringify(p.body));
    const r = await gql('admin', 'mutation($i: ManagedRoleInput!) { roleCreateManaged(input: $i) { __typename ... on RoleCreateSuccess { role { ... on ManagedRole { id name } } } } }',
      // Quilt's catalog asks for names of letters, digits and underscores (RGW 16 refuses '_' in its IAM role names).
      { i: { name: `Writers_of_${user.replace(/-/g, '_')}`, policies: [policy.id] } });
    const created = r.body.data!.roleCreateManaged as { __typename: string; role: { id: string; name: string } };
    assert.equal(created.__typename, 'RoleCreateSuccess', JSON.stringify(r.body));
    writerRoleId = created.role.id;
    const u = await gql('admin', 'mutation($i: UserInput!) { admin { user { create(input: $i) { __typename ... on User { name role { ... on ManagedRole { name } } } } } } }',
      { i: { name: user, email: `${user}@example.com`, role: created.role.name } });
    assert.equal((u.body.data!.admin as { user: { create: { __typename: string } } }).user.create.__typename, 'User', JSON.stringify(u.body));
    assert.deepEqual(await rights(user), { list: 'ok', put: 'ok' });
    const me = await gql(user, '{ me { name email isAdmin role { name } } }');
    assert.deepEqual(me.body.data, { me: { name: user, email: `${user}@example.com`, isAdmin: false, role: { name: created.role.name } } });
  });

  test('switched to a read-only role, the user\'s next credentials read and may not write (S3 says so)', async () => {
    const r = await gql('admin', `mutation { admin { user { mutate(name: "${user}") { setRole(role: "ReadQuiltBucket") { __typename ... on User { role { ... on ManagedRole { name } } } } } } } }`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await rights(user), { list: 'ok', put: 'AccessDenied' });
  });

  test('roles added and removed: removing the active role needs a fallback, which becomes active and is no extra role any more', async () => {
    const mutate = (action: string) => gql('admin', `mutation { admin { user { mutate(name: "${user}") { ${action} { __typename ... on User { role { ... on ManagedRole { name } } extraRoles { ... on ManagedRole { name } } } ... on InvalidInput { errors { path message } } } } } } }`);
    const answer = (r: { body: Body }, action: string): { __typename: string; role?: { name: string }; extraRoles?: { name: string }[]; errors?: { path: string }[] } =>
      ((r.body.data!.admin as { user: { mutate: Record<string, unknown> } }).user.mutate[action]) as never;
    // The user's active role is ReadQuiltBucket (the test before); NoQuiltBucket is added, made active, then removed.
    assert.deepEqual(answer(await mutate('addRoles(roles: ["NoQuiltBucket"])'), 'addRoles'), { __typename: 'User', role: { name: 'ReadQuiltBucket' }, extraRoles: [{ name: 'NoQuiltBucket' }] });
    assert.equal(answer(await mutate('setRole(role: "NoQuiltBucket", append: true)'), 'setRole').role?.name, 'NoQuiltBucket');
    assert.equal(answer(await mutate('removeRoles(roles: ["NoQuiltBucket"])'), 'removeRoles').errors?.[0]?.path, 'fallback', 'the active role is not removed without a fallback');
    assert.deepEqual(answer(await mutate('removeRoles(roles: ["NoQuiltBucket"], fallback: "ReadQuiltBucket")'), 'removeRoles'), { __typename: 'User', role: { name: 'ReadQuiltBucket' }, extraRoles: [] });
  });

  test('a deactivated user is refused at every entry point; activated again, allowed; deleted, unknown', async () => {
    const setActive = (v: boolean) => gql('admin', `mutation { admin { user { mutate(name: "${user}") { setActive(active: ${v}) { __typename } } } } }`);
    await setActive(false);
    for (const path of ['/api/auth/get_credentials', `/api/search?index=${cat.bucket}&action=search&query=x`, '/api/me']) {
      const r = await get(user, path);
      assert.equal(r.status, 401, `${path}: ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    const g = await gql(user, '{ me { name } }');
    assert.equal(g.status, 401);
    assert.equal(g.body.error, 'UserInactive');
    await setActive(true);
    assert.equal((await get(user, '/api/auth/get_credentials')).status, 200);
    const del = await gql('admin', `mutation { admin { user { mutate(name: "${user}") { delete { __typename } } } } }`);
    assert.deepEqual(del.body.data, { admin: { user: { mutate: { delete: { __typename: 'Ok' } } } } });
    const gone = await gql(user, '{ me { name } }');
    assert.equal(gone.status, 401);
    assert.equal(gone.body.error, 'UnknownUser');
  });

  test('a non-admin calling admin fields is refused, and nothing changes', async () => {
    const before = await gql('admin', ROLES);
    for (const q of [
      'mutation { roleCreateManaged(input: { name: "Sneaky", policies: [] }) { __typename } }',
      `mutation { admin { user { mutate(name: "${cat.uid('reader')}") { setAdmin(admin: true) { __typename } } } } }`,
      '{ policies { id } }',
    ]) {
      const r = await gql('reader', q);
      assert.equal(r.status, 403, `${q}: ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.match(String(r.body.message), /for admins only/);
    }
    assert.deepEqual((await gql('admin', ROLES)).body, before.body);
    const reader = await gql('admin', `{ admin { user { get(name: "${cat.uid('reader')}") { isAdmin } } } }`);
    assert.deepEqual(reader.body.data, { admin: { user: { get: { isAdmin: false } } } });
  });

  test('bad input is refused with what was wrong, and nothing is half-written', async () => {
    const before = await gql('admin', '{ policies { id } roles { ... on ManagedRole { id } } }');
    const badBucket = await gql('admin', 'mutation($i: ManagedPolicyInput!) { policyCreateManaged(input: $i) { __typename ... on InvalidInput { errors { path name message } } } }',
      { i: { title: 'x', permissions: [{ bucket: 'no-such-bucket-here', level: 'READ' }], roles: [] } });
    const e = (badBucket.body.data!.policyCreateManaged as { __typename: string; errors: Array<{ path: string; name: string; message: string }> });
    assert.equal(e.__typename, 'InvalidInput');
    assert.deepEqual(e.errors.map((x) => [x.path, x.name]), [['input.permissions[0].bucket', 'BucketNotFound']]);
    assert.match(e.errors[0]!.message, new RegExp(`use one of ${cat.bucket}`));
    const dup = await gql('admin', 'mutation { roleCreateManaged(input: { name: "ReadQuiltBucket", policies: [] }) { __typename } }');
    assert.deepEqual(dup.body.data, { roleCreateManaged: { __typename: 'RoleNameExists' } });
    const invalidName = await gql('admin', 'mutation { roleCreateManaged(input: { name: "no spaces please", policies: [] }) { __typename } }');
    assert.deepEqual(invalidName.body.data, { roleCreateManaged: { __typename: 'RoleNameInvalid' } });
    const roles = (await gql('admin', ROLES)).body.data!.roles as Array<{ id: string; name: string }>;
    const inUse = await gql('admin', `mutation { roleDelete(id: "${roles.find((r) => r.name === 'ReadQuiltBucket')!.id}") { __typename } }`);
    assert.deepEqual(inUse.body.data, { roleDelete: { __typename: 'RoleAssigned' } });
    const badEmail = await gql('admin', 'mutation { admin { user { create(input: { name: "mail-test", email: "not-an-email", role: "ReadQuiltBucket" }) { __typename ... on InvalidInput { errors { path name } } } } } }');
    assert.deepEqual(badEmail.body.data, { admin: { user: { create: { __typename: 'InvalidInput', errors: [{ path: 'input.email', name: 'InvalidEmail' }] } } } });
    const unknownUser = await gql('admin', 'mutation { admin { user { mutate(name: "nobody-at-all") { setActive(active: false) { __typename } } } } }');
    assert.deepEqual(unknownUser.body.data, { admin: { user: { mutate: null } } });
    assert.deepEqual((await gql('admin', '{ policies { id } roles { ... on ManagedRole { id } } }')).body, before.body, 'nothing written');
  });

  test('an unused role is deleted, from the catalog and from RGW; the state survives a restart', async () => {
    const iam = new IAMClient({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: cat.config.serviceUser.accessKeyId, secretAccessKey: cat.config.serviceUser.secretAccessKey } });
    const inRgw = async (name: string): Promise<string> => iam.send(new GetRoleCommand({ RoleName: rgwRoleName(cat.config.credentials.rolePrefix, name) })).then(() => 'exists', (e: Error) => e.name);
    const roleName = ((await gql('admin', `{ role(id: "${writerRoleId}") { ... on ManagedRole { name } } }`)).body.data!.role as { name: string }).name;
    assert.equal(await inRgw(roleName), 'exists');
    const del = await gql('admin', `mutation { roleDelete(id: "${writerRoleId}") { __typename } }`);
    assert.deepEqual(del.body.data, { roleDelete: { __typename: 'RoleDeleteSuccess' } });
    assert.match(await inRgw(roleName), /^(NoSuchEntity|NotFound)$/, 'the IAM role is gone from RGW (RGW names it NotFound, AWS NoSuchEntity)');
    iam.destroy();
    const made = await gql('admin', 'mutation { admin { user { create(input: { name: "survivor", email: "survivor@example.com", role: "ReadQuiltBucket" }) { __typename } } } }');
    assert.equal((made.body.data!.admin as { user: { create: { __typename: string } } }).user.create.__typename, 'User');
    await cat.restart();
    const after = await gql('admin', '{ admin { user { get(name: "survivor") { email role { ... on ManagedRole { name } } } } } roles { ... on ManagedRole { id } } }');
    assert.deepEqual((after.body.data!.admin as unknown), { user: { get: { email: 'survivor@example.com', role: { name: 'ReadQuiltBucket' } } } });
    assert.ok(!(after.body.data!.roles as Array<{ id: string }>).some((r) => r.id === writerRoleId), 'the deleted role stays deleted');
    assert.deepEqual(await rights('survivor'), { list: 'ok', put: 'AccessDenied' });
  });
});
