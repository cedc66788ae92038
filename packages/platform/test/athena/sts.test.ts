/**
 * The local Athena API takes the temporary credentials a catalog hands out (get_credentials: STS
 * AssumeRole in RGW), as AWS's Athena takes a role session's: with their session token, until their
 * Expiration. Uses the stack's Athena API and a catalog under test whose credentials last 3 s.
 *
 *   node --import tsx --test packages/platform/test/athena/sts.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AthenaClient, ListWorkGroupsCommand } from '@aws-sdk/client-athena';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';
import { loadPlatformEnv } from '../../src/platform-env.js';

const env = loadPlatformEnv();
let cat: CatalogUnderTest;

before(async () => {
  process.env.QUILT_E2E_CATALOG_CREDENTIALS_TTL_S = '3';
  cat = await startCatalogUnderTest();
});
after(async () => { await cat?.teardown(); });

interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }

const workGroups = async (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<string> => {
  const athena = new AthenaClient({ region: env.region, endpoint: `http://127.0.0.1:${env.ports.athena}`, credentials, maxAttempts: 1 });
  try {
    const r = await athena.send(new ListWorkGroupsCommand({}));
    return `ok:${(r.WorkGroups ?? []).length}`;
  } catch (e) {
    return (e as Error).name;
  } finally {
    athena.destroy();
  }
};

test('temporary credentials from get_credentials work with their session token, not without it, and not after their Expiration', async () => {
  const c = (await cat.get('/api/auth/get_credentials', 'reader')).body as Creds;
  assert.match(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }), /^ok:[1-9]/);
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey }), 'UnrecognizedClientException');
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: 'not-the-secret', sessionToken: c.SessionToken }), 'InvalidSignatureException');
  await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(c.Expiration) - Date.now()) + 1000));
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }), 'ExpiredTokenException');
});

test("the outsider's temporary credentials are refused: his role reads no bucket this stack serves", async () => {
  const c = (await cat.get('/api/auth/get_credentials', 'outsider')).body as Creds;
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }), 'AccessDeniedException');
});
