/**
 * The preview services of the stack's API (Quilt's `preview` and `tabular_preview` lambdas), on a
 * real catalog over the real RGW: the URL is presigned for S3's AWS host by the AWS SDK's own
 * presigner with the credentials get_credentials gave the persona, as the web catalog signs it.
 * Expected values are the bytes written to S3; a person who may not read the object is refused
 * as S3 refuses them; a URL that is not S3's, or whose signature was changed, never reaches S3.
 *
 *   node --import tsx --test packages/platform/test/catalog/previews.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startCatalogUnderTest, type CatalogUnderTest, type Persona } from '@quilt-e2e/test-kit/catalog';

let cat: CatalogUnderTest;
before(async () => { cat = await startCatalogUnderTest(); });
after(async () => { await cat?.teardown(); });

interface Creds { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }

/** A GetObject URL for S3's AWS host, presigned with the persona's catalog credentials (the app's S3 signer does the same). */
async function signedUrl(persona: Persona, key: string): Promise<string> {
  const c = (await cat.get('/api/auth/get_credentials', persona)).body as Creds;
  const aws = new S3Client({ region: cat.config.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  try {
    return await getSignedUrl(aws, new GetObjectCommand({ Bucket: cat.bucket, Key: key }), { expiresIn: 600 });
  } finally {
    aws.destroy();
  }
}

const put = (key: string, body: Buffer | string): Promise<unknown> => cat.s3('admin').send(new PutObjectCommand({ Bucket: cat.bucket, Key: key, Body: body }));
const ask = (path: string, params: Record<string, string>): Promise<Response> =>
  fetch(`${cat.url}/api/${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(20_000) });

const lines = Array.from({ length: 700 }, (_, i) => `line ${i + 1}: ${'x'.repeat(i % 40)}`);

test('a text preview is the first lines of the object, at most line_count of them', async () => {
  await put('preview/notes.txt', `${lines.join('\n')}\n`);
  const r = await ask('preview', { url: await signedUrl('reader', 'preview/notes.txt'), input: 'txt', line_count: '20' });
  assert.equal(r.status, 200);
  const body = await r.json() as { info: { data: { head: string[]; tail: string[] } }; html: string };
  assert.deepEqual(body.info.data.head, lines.slice(0, 20));
  assert.deepEqual(body.info.data.tail, []);
  const whole = await (await ask('preview', { url: await signedUrl('reader', 'preview/notes.txt'), input: 'txt' })).json() as typeof body;
  assert.deepEqual(whole.info.data.head, lines.slice(0, 512), "Quilt's limit of 512 lines");
});

test('max_bytes keeps whole lines only, and a gzip file is read decompressed', async () => {
  await put('preview/notes.txt.gz', gzipSync(`${lines.join('\n')}\n`));
  const gz = await (await ask('preview', { url: await signedUrl('reader', 'preview/notes.txt.gz'), input: 'txt', compression: 'gz', line_count: '5' })).json() as { info: { data: { head: string[] } } };
  assert.deepEqual(gz.info.data.head, lines.slice(0, 5));
  await put('preview/short.txt', `${lines.join('\n')}\n`);
  const cut = await (await ask('preview', { url: await signedUrl('reader', 'preview/short.txt'), input: 'txt', max_bytes: '100' })).json() as { info: { data: { head: string[] } } };
  const within = lines.filter((_, i) => lines.slice(0, i + 1).join('\n').length < 100);
  assert.deepEqual(cut.info.data.head, within, 'the lines wholly within the first 100 bytes');
});

test('a table preview is the CSV itself, cut at a whole row and marked truncated past its size', async () => {
  const rows = ['sample_id,tissue,reads', ...Array.from({ length: 4000 }, (_, i) => `S${i},${['liver', 'brain', 'heart'][i % 3]},${i * 7}`)];
  const csv = `${rows.join('\n')}\n`;
  await put('preview/reads.csv', csv);
  const small = await ask('tabular-preview', { url: await signedUrl('reader', 'preview/reads.csv'), input: 'csv', size: 'small' });
  assert.equal(small.status, 200);
  assert.equal(small.headers.get('content-type'), 'text/csv');
  assert.deepEqual(JSON.parse(small.headers.get('x-quilt-info') ?? '{}'), { truncated: false }, `${csv.length} bytes fit in small (100,000)`);
  assert.equal(await small.text(), csv);
  const big = `${[rows[0], ...Array.from({ length: 20_000 }, (_, i) => `S${i},liver,${i}`)].join('\n')}\n`;
  await put('preview/big.csv', big);
  const cut = await ask('tabular-preview', { url: await signedUrl('reader', 'preview/big.csv'), input: 'csv' });
  const text = await cut.text();
  assert.deepEqual(JSON.parse(cut.headers.get('x-quilt-info') ?? '{}'), { truncated: true });
  assert.ok(text.length <= 100_000 && text.length > 90_000, `about 100,000 bytes of ${big.length} (got ${text.length})`);
  assert.ok(big.startsWith(text) && text.endsWith('\n'), 'a prefix of the file, whole rows');
});

test('TSV and JSONL become CSV of the same rows', async () => {
  await put('preview/reads.tsv', 'sample\ttissue\nS1\tliver\nS2\tbrain, left\n');
  const tsv = await (await ask('tabular-preview', { url: await signedUrl('reader', 'preview/reads.tsv'), input: 'tsv' })).text();
  assert.equal(tsv, 'sample,tissue\nS1,liver\nS2,"brain, left"\n');
  await put('preview/reads.jsonl', '{"sample":"S1","reads":10}\n{"sample":"S2","tissue":"brain"}\n');
  const jsonl = await (await ask('tabular-preview', { url: await signedUrl('reader', 'preview/reads.jsonl'), input: 'jsonl' })).text();
  assert.equal(jsonl, 'sample,reads,tissue\nS1,10,\nS2,,brain\n');
});

test('who may not read the object is refused as S3 refuses them; a URL not of S3, or re-signed by hand, never reaches S3', async () => {
  await put('preview/secret.txt', 'not for Otto\n');
  const otto = await ask('preview', { url: await signedUrl('outsider', 'preview/secret.txt'), input: 'txt' });
  assert.equal(otto.status, 403);
  assert.equal(((await otto.json()) as { error: string }).error, 'Forbidden');
  const elsewhere = await ask('preview', { url: `http://127.0.0.1:${cat.stack.ports.s3Front}/${cat.bucket}/preview/secret.txt`, input: 'txt' });
  assert.equal(elsewhere.status, 400);
  assert.match(((await elsewhere.json()) as { title: string }).title, /Expected S3 virtual-host URL/);
  const tampered = (await signedUrl('reader', 'preview/secret.txt')).replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
  const forged = await ask('preview', { url: tampered, input: 'txt' });
  assert.equal(forged.status, 403);
  assert.match(((await forged.json()) as { text: string }).text, /SignatureDoesNotMatch/);
  const missing = await ask('preview', { url: await signedUrl('reader', 'preview/never-written.txt'), input: 'txt' });
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: string }).error, 'Not Found');
});

test('inputs the stack does not preview, and bad limits, get a 400 that says what is taken', async () => {
  await put('preview/table.parquet', 'PAR1');
  const url = await signedUrl('reader', 'preview/table.parquet');
  const parquet = await ask('tabular-preview', { url, input: 'parquet' });
  assert.equal(parquet.status, 400);
  assert.match(((await parquet.json()) as { title: string }).title, /csv, tsv, jsonl/);
  const lineCount = await ask('preview', { url, input: 'txt', line_count: '0' });
  assert.equal(lineCount.status, 400);
  assert.match(((await lineCount.json()) as { title: string }).title, /line_count=.*from 1 to 512/);
});
