/**
 * The local Athena API takes the temporary credentials a catalog hands out (get_credentials: STS
 * AssumeRole in RGW), as AWS's Athena takes a role session's: with their session token, until their
 * Expiration, and only when RGW lets those credentials read a bucket the API serves. Uses the stack's
 * Athena API and catalog, and a catalog under test whose credentials last 3 s (its roles read only
 * its own bucket, which the stack's Athena API does not serve).
 *
 *   node --import tsx --test packages/platform/test/athena/sts.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AthenaClient, ListWorkGroupsCommand } from '@aws-sdk/client-athena';
import { startCatalogUnderTest, type CatalogUnderTest } from '@quilt-e2e/test-kit/catalog';
import { mintToken } from '../../src/catalog/auth.js';
import { loadCatalogConfig } from '../../src/catalog/config.js';
import { loadPlatformEnv } from '../../src/platform-env.js';

const env = loadPlatformEnv();
const stackCatalog = loadCatalogConfig();
let cat: CatalogUnderTest;

before(async () => {
  process.env.QUILT_E2E_CATALOG_CREDENTIALS_TTL_S = '3';
  cat = await startCatalogUnderTest();
});
after(async () => { await cat?.teardown(); });

interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }

/** Credentials from the stack's own catalog (the one that serves the Athena API's buckets). */
async function stackCredentials(user: string): Promise<Creds> {
  const token = await mintToken(user, stackCatalog.jwt);
  const r = await fetch(`${stackCatalog.url}/api/auth/get_credentials`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  assert.equal(r.status, 200);
  return r.json() as Promise<Creds>;
}

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

test("a reader's temporary credentials work with their session token, not without it, not with another secret", async () => {
  const c = await stackCredentials(env.users.reader.uid);
  assert.match(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }), /^ok:[1-9]/);
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey }), 'UnrecognizedClientException');
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: 'not-the-secret', sessionToken: c.SessionToken }), 'InvalidSignatureException');
});

test("the outsider's temporary credentials are refused: his role reads no bucket this stack serves", async () => {
  const c = await stackCredentials(env.users.outsider.uid);
  assert.equal(await workGroups({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }), 'AccessDeniedException');
});

test("credentials whose role reads no served bucket are refused; after their Expiration they are refused as expired", async () => {
  const c = (await cat.get('/api/auth/get_credentials', 'reader')).body as Creds;
  const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  assert.equal(await workGroups(creds), 'AccessDeniedException', "the catalog under test's reader role reads only its own bucket");
  await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(c.Expiration) - Date.now()) + 1000));
  assert.equal(await workGroups(creds), 'ExpiredTokenException');
});
