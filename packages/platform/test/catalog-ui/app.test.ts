/**
 * Quilt's own web catalog app on the running stack, in a real browser (Debian's Chromium driven by
 * playwright-core): every GraphQL operation the app's bundle carries validates against the
 * registry's live schema; a persona signs in with the app's own form and sees what their role
 * allows (Rita the bucket's overview, Otto the app's access-denied page); no request leaves
 * 127.0.0.1; the S3 proxy refuses what a known key did not sign, before S3 sees it.
 *
 *   node --import tsx --test packages/platform/test/catalog-ui/app.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { buildClientSchema, getIntrospectionQuery, validate, type IntrospectionQuery } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LOCAL_PASSWORDS } from '@quilt-e2e/constants';
import { catalogBundleDir, loadStackConfig } from '@quilt-e2e/stack';
import { mintToken } from '../../src/catalog/auth.js';
import { loadCatalogConfig } from '../../src/catalog/config.js';
import { loadPlatformEnv, platformS3Client } from '../../src/platform-env.js';
import { documentOf, readBundleOperations } from './bundle-operations.js';

const stack = loadStackConfig();
const catalog = loadCatalogConfig();
const app = `http://127.0.0.1:${stack.ports.catalogUi}`;
let browser: Browser;

before(async () => { browser = await chromium.launch({ executablePath: process.env.QUILT_E2E_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'], timeout: 30_000 }); });
after(async () => { await browser?.close(); });

test("every GraphQL operation in the app's bundle validates against the registry's live schema", async () => {
  const { operations, fragments } = readBundleOperations(catalogBundleDir(stack));
  assert.ok(operations.size >= 41, `the bundle carries ${operations.size} operations; quilt3-local 2.0.0's has 41`);
  const token = await mintToken(stack.s3Users.admin.uid, catalog.jwt);
  const r = await fetch(`${catalog.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: getIntrospectionQuery() }), signal: AbortSignal.timeout(15_000) });
  const schema = buildClientSchema(((await r.json()) as { data: IntrospectionQuery }).data);
  const failing = [...operations].map(([name, op]) => [name, validate(schema, documentOf(op, fragments)).map((e) => e.message).join(' | ')] as const).filter(([, e]) => e);
  assert.deepEqual(failing, [], 'operations of the app the registry does not validate');
  process.stdout.write(`# ${operations.size} of ${operations.size} operations of the app validate\n`);
});

/** Signs in with the app's form as a person would, then opens `path`; every request's URL is kept. */
async function signedIn(persona: keyof typeof LOCAL_PASSWORDS, path: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${app}${path}`);
  // The app's labels are not tied to their inputs: a field is the input beside its label's text.
  const field = (label: string) => page.locator(`div:has(> label:text-is("${label}")) input`);
  await field('Username or email').fill(stack.s3Users[persona].uid);
  await field('Password').fill(LOCAL_PASSWORDS[persona]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { page, requests };
}

test("Rita signs in with the app's form and sees the test bucket's overview; no request leaves 127.0.0.1", async () => {
  const { page, requests } = await signedIn('reader', `/b/${stack.s3.testBucket}`);
  try {
    await page.getByText('Objects by File Extension').waitFor({ timeout: 20_000 });
    assert.match(await page.innerText('body'), new RegExp(stack.s3Users.reader.uid, 'i'), 'the signed-in user is named in the navigation bar');
    const offsite = requests.filter((u) => !u.startsWith('http://127.0.0.1:') && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(offsite, [], 'requests that left this machine');
  } finally {
    await page.close();
  }
});

test("Otto signs in and gets the app's access-denied page for the test bucket", async () => {
  const { page } = await signedIn('outsider', `/b/${stack.s3.testBucket}`);
  try {
    await page.getByText('Access Denied').waitFor({ timeout: 20_000 });
  } finally {
    await page.close();
  }
});

test('the S3 proxy refuses a request no known key signed, and one signed with another secret, before S3 sees it', async () => {
  const url = `${app}/__s3proxy/${stack.s3.region}/${stack.s3.testBucket}/catalog-ui-test/never-written.txt`;
  const unsigned = await fetch(url, { method: 'PUT', body: 'x', signal: AbortSignal.timeout(10_000) });
  assert.equal(unsigned.status, 403);
  assert.match(await unsigned.text(), /<Code>AccessDenied<\/Code>/);
  const forged = await fetch(url, {
    method: 'PUT', body: 'x', signal: AbortSignal.timeout(10_000),
    headers: {
      'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      authorization: `AWS4-HMAC-SHA256 Credential=${stack.s3Users.reader.accessKeyId}/${new Date().toISOString().slice(0, 10).replace(/-/g, '')}/${stack.s3.region}/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
    },
  });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  const s3 = platformS3Client(loadPlatformEnv());
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: stack.s3.testBucket, Key: 'catalog-ui-test/never-written.txt' })).then(() => 'found', (e: Error) => e.name);
    assert.equal(head, 'NotFound', 'nothing was written');
  } finally {
    s3.destroy();
  }
});
