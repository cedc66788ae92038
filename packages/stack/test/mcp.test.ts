/**
 * The stack's quilt-mcp (the real Quilt MCP server from PyPI) driven with the official MCP client,
 * each persona by its catalog JWT, and every answer checked against the services directly: the
 * listing it returns against RGW's own ListObjectsV2, what it writes against a GetObject, its SQL
 * rows against the stack's Athena API, the refusals against what RGW lets each persona do.
 *   node --import tsx --test packages/stack/test/mcp.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mintToken } from '@quilt-e2e/platform';
import { loadStackConfig } from '../src/config.js';
import { localStackS3Client } from '../src/clients.js';
import { mcp, mcpClient, mcpUrl } from '../src/servers/mcp.js';

const c = loadStackConfig();
const bucket = c.s3.testBucket;
const s3 = localStackS3Client();
const run = randomBytes(4).toString('hex');
const prefix = `quilt-e2e-runs/mcp-test-${run}/`;
const clients: Client[] = [];

async function as(role: 'admin' | 'reader' | 'outsider'): Promise<Client> {
  const client = await mcpClient(mcpUrl(c), await mintToken(c.s3Users[role].uid), `quilt-e2e-test-${role}`);
  clients.push(client);
  return client;
}

/** A tool's answer: its JSON text, or the tool's own failure text. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; body: Record<string, unknown>; text: string }> {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content as Array<{ type: string; text?: string }>).filter((x) => x.type === 'text').map((x) => x.text ?? '').join('\n');
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON: the text is what the tool said */ }
  return { isError: r.isError === true, body, text };
}

before(async () => {
  assert.ok(await mcp.healthy(c), `quilt-mcp is not answering on ${mcpUrl(c)}: start the stack with \`npm run stack -- up\``);
  for (const k of ['a.csv', 'b/c.txt', 'b/d.json']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${k}`, Body: `content of ${k}` }));
});

after(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  const v = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const x of [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])]) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: x.Key!, VersionId: x.VersionId! }));
  s3.destroy();
});

test('tools/list answers for a persona\'s JWT; the S3, search and Athena tools are there', async () => {
  const tools = (await (await as('reader')).listTools()).tools.map((t) => t.name);
  for (const t of ['bucket_objects_list', 'bucket_objects_put', 'bucket_object_text', 'search_catalog', 'athena_query_execute']) assert.ok(tools.includes(t), `${t} among ${tools.length} tools`);
});

test('bucket_objects_list as Rita equals RGW\'s own listing of the prefix', async () => {
  const r = await call(await as('reader'), 'bucket_objects_list', { bucket: `s3://${bucket}`, prefix, max_keys: 100 });
  assert.equal(r.isError, false, r.text);
  assert.equal(r.body.success, true, r.text);
  const listed = (r.body.objects as Array<{ key: string; size: number }>).map((o) => [o.key, o.size]);
  const real = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  assert.deepEqual(listed, (real.Contents ?? []).map((o) => [o.Key, o.Size]));
  assert.equal(listed.length, 3);
});

test('bucket_objects_put: Dana\'s text is in S3 byte for byte; Rita\'s is refused and nothing is written', async () => {
  const dana = await call(await as('admin'), 'bucket_objects_put', { bucket, items: [{ key: `${prefix}put/dana.txt`, text: `written by dana ${run}` }] });
  assert.equal(dana.isError, false, dana.text);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}put/dana.txt` }));
  assert.equal(await got.Body!.transformToString(), `written by dana ${run}`);
  const rita = await call(await as('reader'), 'bucket_objects_put', { bucket, items: [{ key: `${prefix}put/rita.txt`, text: 'must not land' }] });
  // quilt-mcp answers a refused item inside a "successful" call: look at the item, then at S3.
  assert.match(rita.text, /AccessDenied|denied|Forbidden|403/i, `the refusal is named: ${rita.text.slice(0, 300)}`);
  const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}put/` }));
  assert.deepEqual((after.Contents ?? []).map((o) => o.Key), [`${prefix}put/dana.txt`], 'Rita wrote nothing');
});

test('Otto\'s JWT gets RGW\'s refusal through the MCP server, as with Otto\'s own keys', async () => {
  const r = await call(await as('outsider'), 'bucket_objects_list', { bucket, prefix, max_keys: 10 });
  // quilt-mcp 0.22.0 answers this refusal as {"error": ...} without isError or a success key.
  assert.ok(r.isError || r.body.success === false || typeof r.body.error === 'string', `refused: ${r.text.slice(0, 300)}`);
  assert.equal(r.body.objects, undefined, 'no listing');
  assert.match(r.text, /AccessDenied|denied|Forbidden|403/i);
});

test('athena_query_execute goes through the stack\'s Athena API (PyAthena in quilt-mcp) and returns the rows', async () => {
  const r = await call(await as('reader'), 'athena_query_execute', { query: 'SELECT x, x * x AS sq FROM UNNEST(sequence(1, 5)) AS t(x) ORDER BY x', database_name: 'quilt_e2e' });
  assert.equal(r.body.success, true, r.text);
  assert.deepEqual(r.body.formatted_data, [1, 2, 3, 4, 5].map((x) => ({ x, sq: x * x })));
});
