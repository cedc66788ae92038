/**
 * A user's own account and the admin's stack settings on the local catalog, against the real RGW:
 * API keys (made, used as a token, listed, revoked by an admin, kept across a restart), switchRole
 * between a user's roles (the next credentials have the other role's rights, S3 says so), unmanaged
 * roles (an IAM role of the admin's own, assumed as it is), the SSO config and Tabulator's open
 * query switch. Starts its own catalog (its own bucket, data folder and RGW roles).
 *
 *   node --import tsx --test packages/platform/test/catalog/account.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mintToken, rolePolicy } from '@quilt-e2e/platform';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { startCatalogUnderTest, type CatalogUnderTest, type Persona } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

// The answers are read field by field and checked with assert; typing every shape would repeat the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, unknown> & { data?: Record<string, any> | null; errors?: Array<{ message: string }>; error?: string };
const tokenOf = (user: string): Promise<string> => mintToken(user, { secret: cat.config.jwt.secret, issuer: cat.config.jwt.issuer, audience: cat.config.jwt.audience });
/** A GraphQL request as a persona, a user (minted token) or with a raw Authorization value. */
async function gql(who: Persona | { user: string } | { authorization: string }, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: Body }> {
  if (typeof who === 'string') return cat.post(who, { query, variables }) as Promise<{ status: number; body: Body }>;
  const authorization = 'user' in who ? `Bearer ${await tokenOf(who.user)}` : who.authorization;
  return cat.post(null, { query, variables }, { authorization }) as Promise<{ status: number; body: Body }>;
}

interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
/** What S3 lets the holder of an Authorization value do with the credentials the catalog hands them. */
async function rights(authorization: string): Promise<{ list: string; put: string }> {
  const r = await cat.get('/api/auth/get_credentials', null, { authorization });
  assert.equal(r.status, 200, r.text);
  const c = r.body as Creds;
  const s3 = createS3Client({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  try {
    const list = await s3.send(new ListObjectsV2Command({ Bucket: cat.bucket, MaxKeys: 1 })).then(() => 'ok', (e: Error) => e.name);
    const put = await s3.send(new PutObjectCommand({ Bucket: cat.bucket, Key: `account-test/${randomBytes(4).toString('hex')}.txt`, Body: 'x' })).then(() => 'ok', (e: Error) => e.name);
    return { list, put };
  } finally {
    s3.destroy();
  }
}
const bearer = async (user: string): Promise<string> => `Bearer ${await tokenOf(user)}`;

async function createUser(name: string, role: string, extraRoles: string[] = []): Promise<void> {
  const r = await gql('admin', 'mutation($i: UserInput!) { admin { user { create(input: $i) { __typename ... on InvalidInput { errors { message } } } } } }',
    { i: { name, email: `${name}@example.com`, role, extraRoles } });
  assert.equal(r.body.data?.admin.user.create.__typename, 'User', JSON.stringify(r.body));
}

const KEY = 'id name fingerprint createdAt expiresAt lastUsedAt userEmail status';

describe('API keys', () => {
  let secret = '';
  let id = '';

  test('a user makes a key: the secret is shown once, Me lists the key ACTIVE, and the key works as a token', async () => {
    const made = await gql('reader', `mutation { apiKeyCreate(input: { name: "nightly", expiresInDays: 2 }) { __typename ... on APIKeyCreated { secret apiKey { ${KEY} } } } }`);
    const created = made.body.data!.apiKeyCreate;
    assert.equal(created.__typename, 'APIKeyCreated', JSON.stringify(made.body));
    secret = created.secret;
    id = created.apiKey.id;
    assert.match(secret, /^qk_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.apiKey.status, 'ACTIVE');
    assert.equal(created.apiKey.userEmail, `${cat.uid('reader')}@users.quilt-e2e.local`);
    assert.ok(Math.abs(Date.parse(created.apiKey.expiresAt) - Date.now() - 2 * 86_400_000) < 60_000, 'expires in 2 days');
    assert.ok(!created.apiKey.fingerprint.includes(secret.slice(3, 20)), 'the fingerprint does not give the secret away');
    const mine = await gql('reader', `{ me { apiKeys { ${KEY} } apiKey(id: "${id}") { name } } }`);
    assert.deepEqual(mine.body.data!.me.apiKeys.map((k: { id: string; lastUsedAt: unknown }) => [k.id, k.lastUsedAt]), [[id, null]]);
    assert.deepEqual(mine.body.data!.me.apiKey, { name: 'nightly' });
    const asKey = await gql({ authorization: `Bearer ${secret}` }, '{ me { name } }');
    assert.deepEqual(asKey.body.data, { me: { name: cat.uid('reader') } });
    assert.deepEqual(await rights(`Bearer ${secret}`), { list: 'ok', put: 'AccessDenied' }, 'the key has its user\'s rights: read only');
    const used = await gql('reader', `{ me { apiKey(id: "${id}") { lastUsedAt } } }`);
    assert.ok(Date.parse(used.body.data!.me.apiKey.lastUsedAt) > Date.now() - 60_000, 'lastUsedAt is set once the key is used');
  });

  test('bad input is refused with what was wrong; another user\'s key cannot be revoked by its id', async () => {
    const zero = await gql('reader', 'mutation { apiKeyCreate(input: { name: "x", expiresInDays: 0 }) { __typename ... on InvalidInput { errors { path message } } } }');
    assert.deepEqual(zero.body.data!.apiKeyCreate.errors.map((e: { path: string }) => e.path), ['input.expiresInDays']);
    assert.match(zero.body.data!.apiKeyCreate.errors[0].message, /from 1 to 365/);
    const others = await gql('outsider', `mutation { apiKeyRevoke(id: "${id}") { __typename ... on InvalidInput { errors { name } } } }`);
    assert.deepEqual(others.body.data, { apiKeyRevoke: { __typename: 'InvalidInput', errors: [{ name: 'APIKeyNotFound' }] } });
    const both = await gql('reader', `mutation { apiKeyRevoke(id: "${id}", secret: "${secret}") { __typename } }`);
    assert.deepEqual(both.body.data, { apiKeyRevoke: { __typename: 'InvalidInput' } });
    assert.equal((await cat.get('/api/auth/get_credentials', null, { authorization: 'Bearer qk_not-a-key' })).status, 401);
  });

  test('the key survives a restart; an admin lists everyone\'s keys and revokes one: it is refused at once', async () => {
    await cat.restart();
    assert.equal((await gql({ authorization: `Bearer ${secret}` }, '{ me { name } }')).status, 200, 'the key works after a restart');
    const listed = await gql('admin', `{ admin { apiKeys { list(email: "${cat.uid('reader')}@users.quilt-e2e.local") { id name userEmail } get(id: "${id}") { name } } } }`);
    assert.deepEqual(listed.body.data!.admin.apiKeys.list.map((k: { id: string }) => k.id), [id]);
    assert.deepEqual(listed.body.data!.admin.apiKeys.get, { name: 'nightly' });
    assert.equal((await gql('reader', '{ admin { apiKeys { list { id } } } }')).status, 403, 'a non-admin may not list all keys');
    const revoked = await gql('admin', `mutation { admin { apiKeys { revoke(id: "${id}") { __typename } } } }`);
    assert.deepEqual(revoked.body.data, { admin: { apiKeys: { revoke: { __typename: 'Ok' } } } });
    const refused = await cat.get('/api/auth/get_credentials', null, { authorization: `Bearer ${secret}` });
    assert.equal(refused.status, 401);
    assert.equal((refused.body as Body).error, 'InvalidApiKey');
    assert.deepEqual((await gql('reader', '{ me { apiKeys { id } } }')).body.data, { me: { apiKeys: [] } });
  });

  test('a user revokes their own key by its secret', async () => {
    const made = (await gql('outsider', 'mutation { apiKeyCreate(input: { name: "short" }) { ... on APIKeyCreated { secret apiKey { expiresAt } } } }')).body.data!.apiKeyCreate;
    assert.ok(Math.abs(Date.parse(made.apiKey.expiresAt) - Date.now() - 90 * 86_400_000) < 60_000, 'Quilt\'s default: 90 days');
    const r = await gql('outsider', `mutation { apiKeyRevoke(secret: "${made.secret}") { __typename } }`);
    assert.deepEqual(r.body.data, { apiKeyRevoke: { __typename: 'Ok' } });
    assert.equal((await gql({ authorization: `Bearer ${made.secret}` }, '{ me { name } }')).status, 401);
  });
});

describe('switchRole', () => {
  const user = `switcher-${randomBytes(3).toString('hex')}`;

  test('a user with two roles switches to the other: their next credentials have its rights', async () => {
    await createUser(user, 'ReadQuiltBucket', ['ReadWriteQuiltBucket']);
    assert.deepEqual(await rights(await bearer(user)), { list: 'ok', put: 'AccessDenied' });
    const r = await gql({ user }, 'mutation { switchRole(roleName: "ReadWriteQuiltBucket") { __typename ... on Me { role { name } roles { name } } } }');
    assert.deepEqual(r.body.data, { switchRole: { __typename: 'Me', role: { name: 'ReadWriteQuiltBucket' }, roles: [{ name: 'ReadWriteQuiltBucket' }, { name: 'ReadQuiltBucket' }] } });
    assert.deepEqual(await rights(await bearer(user)), { list: 'ok', put: 'ok' });
  });

  test('a role the user does not have is refused, naming the roles they have; nothing changes', async () => {
    const r = await gql({ user }, 'mutation { switchRole(roleName: "NoQuiltBucket") { __typename ... on InvalidInput { errors { path name message } } } }');
    const e = r.body.data!.switchRole;
    assert.equal(e.__typename, 'InvalidInput');
    assert.deepEqual([e.errors[0].path, e.errors[0].name], ['roleName', 'RoleNotAssigned']);
    assert.match(e.errors[0].message, /"ReadWriteQuiltBucket", "ReadQuiltBucket"/);
    assert.deepEqual((await gql({ user }, '{ me { role { name } } }')).body.data, { me: { role: { name: 'ReadWriteQuiltBucket' } } });
  });
});

describe('unmanaged roles', () => {
  const name = `own-iam-role-${randomBytes(3).toString('hex')}`;
  let id = '';
  let iam: IAMClient;
  // The admin's own IAM role, named as the catalog would name a managed role of that name: a catalog
  // that deleted it with the unmanaged role would be caught.
  const ownRole = (): string => `${cat.config.credentials.rolePrefix}${name}`;
  let ownArn = '';

  before(async () => {
    iam = new IAMClient({ endpoint: cat.config.s3Endpoint, region: cat.config.region, credentials: { accessKeyId: cat.config.serviceUser.accessKeyId, secretAccessKey: cat.config.serviceUser.secretAccessKey } });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${cat.config.serviceUser.uid}`] }, Action: ['sts:AssumeRole'] }] };
    const made = await iam.send(new CreateRoleCommand({ RoleName: ownRole(), Path: '/', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    ownArn = made.Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: ownRole(), PolicyName: 'read', PolicyDocument: rolePolicy([{ bucket: cat.bucket, level: 'READ' }]) }));
  });
  after(async () => {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: ownRole(), PolicyName: 'read' })).catch(() => undefined);
    await iam.send(new DeleteRoleCommand({ RoleName: ownRole() })).catch(() => undefined);
    iam.destroy();
  });

  test('an admin names an IAM role of their own: its users get that role\'s credentials, with its rights', async () => {
    const r = await gql('admin', 'mutation($i: UnmanagedRoleInput!) { roleCreateUnmanaged(input: $i) { __typename ... on RoleCreateSuccess { role { __typename ... on UnmanagedRole { id name arn } } } } }', { i: { name, arn: ownArn } });
    const role = r.body.data!.roleCreateUnmanaged.role;
    assert.deepEqual([role.__typename, role.name, role.arn], ['UnmanagedRole', name, ownArn], JSON.stringify(r.body));
    id = role.id;
    const user = `unmanaged-${randomBytes(3).toString('hex')}`;
    await createUser(user, name);
    assert.deepEqual(await rights(await bearer(user)), { list: 'ok', put: 'AccessDenied' });
    await gql('admin', `mutation { admin { user { mutate(name: "${user}") { delete { __typename } } } } }`);
  });

  test('an ARN of no IAM role, of another account, or not an ARN, is refused; a managed update of it is RoleIsUnmanaged; unmanaged policies are NotSupported', async () => {
    const missing = await gql('admin', 'mutation { roleCreateUnmanaged(input: { name: "ghost", arn: "arn:aws:iam:::role/no-such-role-here" }) { __typename } }');
    assert.match(missing.body.errors![0]!.message, /does not exist/);
    const otherAccount = await gql('admin', `mutation { roleCreateUnmanaged(input: { name: "ghost", arn: "arn:aws:iam::123456789012:role/${ownRole()}" }) { __typename } }`);
    assert.match(otherAccount.body.errors![0]!.message, /give its ARN exactly/);
    const notArn = await gql('admin', 'mutation { roleCreateUnmanaged(input: { name: "ghost", arn: "my-role" }) { __typename } }');
    assert.match(notArn.body.errors![0]!.message, /is not an IAM role ARN: write arn:aws:iam::<account>:role\/<name>/);
    const managed = await gql('admin', `mutation { roleUpdateManaged(id: "${id}", input: { name: "x", policies: [] }) { __typename } }`);
    assert.deepEqual(managed.body.data, { roleUpdateManaged: { __typename: 'RoleIsUnmanaged' } });
    const policy = await gql('admin', 'mutation { policyCreateUnmanaged(input: { title: "t", arn: "arn:aws:iam:::policy/p", roles: [] }) { __typename ... on OperationError { name } } }');
    assert.deepEqual(policy.body.data, { policyCreateUnmanaged: { __typename: 'OperationError', name: 'NotSupported' } });
    assert.ok(!JSON.stringify((await gql('admin', '{ roles { ... on UnmanagedRole { name } ... on ManagedRole { name } } }')).body).includes('ghost'), 'nothing half-written');
  });

  test('deleting the unmanaged role leaves the admin\'s IAM role in RGW', async () => {
    const del = await gql('admin', `mutation { roleDelete(id: "${id}") { __typename } }`);
    assert.deepEqual(del.body.data, { roleDelete: { __typename: 'RoleDeleteSuccess' } });
    const r = await iam.send(new GetRoleCommand({ RoleName: ownRole() }));
    assert.equal(r.Role?.Arn, ownArn, 'the IAM role the catalog would have named the same is still there');
  });
});

describe('stack settings', () => {
  test('the SSO config: YAML mappings of known roles kept with who uploaded it, bad YAML or unknown roles refused, null removes it', async () => {
    const set = 'mutation($c: String) { admin { setSsoConfig(config: $c) { __typename ... on SsoConfig { text uploader { name } } ... on InvalidInput { errors { name message } } } } }';
    const bad = await gql('admin', set, { c: 'mappings: [' });
    assert.equal(bad.body.data!.admin.setSsoConfig.errors[0].name, 'InvalidSsoConfig');
    const unknown = await gql('admin', set, { c: 'version: "1.0"\ndefault_role: NoSuchRole\n' });
    assert.match(unknown.body.data!.admin.setSsoConfig.errors[0].message, /NoSuchRole/);
    const text = 'version: "1.0"\nmappings:\n  - role: ReadQuiltBucket\n    group: readers\ndefault_role: NoQuiltBucket\n';
    const ok = await gql('admin', set, { c: text });
    assert.deepEqual(ok.body.data!.admin.setSsoConfig, { __typename: 'SsoConfig', text, uploader: { name: cat.uid('admin') } });
    assert.equal((await gql('admin', '{ admin { ssoConfig { text } } }')).body.data!.admin.ssoConfig.text, text);
    assert.deepEqual((await gql('admin', set, { c: null })).body.data, { admin: { setSsoConfig: null } });
    assert.deepEqual((await gql('admin', '{ admin { ssoConfig { text } } }')).body.data, { admin: { ssoConfig: null } });
  });

  test('Tabulator\'s open query switch is kept; a non-admin may neither read nor set it', async () => {
    const flip = (on: boolean) => gql('admin', `mutation { admin { setTabulatorOpenQuery(enabled: ${on}) { tabulatorOpenQuery } } }`);
    assert.deepEqual((await flip(true)).body.data, { admin: { setTabulatorOpenQuery: { tabulatorOpenQuery: true } } });
    assert.deepEqual((await gql('admin', '{ admin { tabulatorOpenQuery isDefaultRoleSettingDisabled packager { eventRules { name } } } }')).body.data,
      { admin: { tabulatorOpenQuery: true, isDefaultRoleSettingDisabled: false, packager: { eventRules: [] } } });
    assert.equal((await gql('reader', 'mutation { admin { setTabulatorOpenQuery(enabled: false) { tabulatorOpenQuery } } }')).status, 403);
    assert.deepEqual((await flip(false)).body.data, { admin: { setTabulatorOpenQuery: { tabulatorOpenQuery: false } } });
  });
});
