/**
 * STS on the stack's AWS API port: GetCallerIdentity names who signed — a role session of the
 * catalog's credentials by the session ARN RGW's STS gave them, an RGW user by its user ARN — and
 * refuses what AWS's STS refuses; every other STS action reaches RGW's STS unchanged (AssumeRole
 * signed for this port works). Uses the running stack's catalog and AWS API port.
 *
 *   node --import tsx --test packages/platform/test/athena/caller-identity.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mintToken } from '../../src/catalog/auth.js';
import { loadCatalogConfig } from '../../src/catalog/config.js';
import { loadPlatformEnv } from '../../src/platform-env.js';

const env = loadPlatformEnv();
const catalog = loadCatalogConfig();
interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }

async function catalogCredentials(user: string): Promise<Creds> {
  const token = await mintToken(user, catalog.jwt);
  const r = await fetch(`${catalog.url}/api/auth/get_credentials`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  assert.equal(r.status, 200);
  return r.json() as Promise<Creds>;
}

async function sts<T>(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, ask: (c: STSClient) => Promise<T>): Promise<T | string> {
  const c = new STSClient({ region: env.region, endpoint: `http://127.0.0.1:${env.ports.athena}`, credentials, maxAttempts: 1 });
  try { return await ask(c); } catch (e) { return `${(e as Error).name} ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`; } finally { c.destroy(); }
}
const whoAmI = (c: STSClient) => c.send(new GetCallerIdentityCommand({})).then((r) => ({ Arn: r.Arn, UserId: r.UserId, Account: r.Account }));

test("the catalog's credentials of the reader are a session of the reader's role, named as RGW's STS named it", async () => {
  const c = await catalogCredentials(env.users.reader.uid);
  const role = `${catalog.credentials.rolePrefix}ReadQuiltBucket`;
  assert.deepEqual(await sts({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, whoAmI), {
    Arn: `arn:aws:sts:::assumed-role/${role}/${env.users.reader.uid}`, UserId: `${role}:${env.users.reader.uid}`, Account: '',
  });
});

test("an RGW user's own keys are that user", async () => {
  const u = env.users.outsider;
  assert.deepEqual(await sts({ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey }, whoAmI), { Arn: `arn:aws:iam:::user/${u.uid}`, UserId: u.uid, Account: '' });
});

test('refused as STS refuses: another secret, a session without its token, an unknown key', async () => {
  const c = await catalogCredentials(env.users.reader.uid);
  assert.equal(await sts({ accessKeyId: c.AccessKeyId, secretAccessKey: `x${c.SecretAccessKey}`, sessionToken: c.SessionToken }, whoAmI), 'SignatureDoesNotMatch 403');
  assert.equal(await sts({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey }, whoAmI), 'InvalidClientTokenId 403');
  assert.equal(await sts({ accessKeyId: 'NOSUCHKEY0000000', secretAccessKey: 'whatever' }, whoAmI), 'InvalidClientTokenId 403');
});

test("AssumeRole sent to this port is RGW's STS answering: the catalog's service user gets a role session", async () => {
  const s = catalog.serviceUser;
  const RoleArn = `arn:aws:iam:::role/${catalog.credentials.rolePrefix}ReadQuiltBucket`;
  const r = await sts({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, (c) => c.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'relay-test', DurationSeconds: 900 })));
  assert.equal(typeof r, 'object', String(r));
  const a = r as { Credentials?: { SessionToken?: string }; AssumedRoleUser?: { Arn?: string } };
  assert.ok(a.Credentials?.SessionToken, 'a session token');
  assert.equal(a.AssumedRoleUser?.Arn, `arn:aws:sts:::assumed-role/${catalog.credentials.rolePrefix}ReadQuiltBucket/relay-test`);
  // A role RGW does not have is RGW's refusal, passed on.
  assert.match(String(await sts({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, (c) => c.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam:::role/no-such-role-here', RoleSessionName: 'x' })))), / 4\d\d$/);
});
