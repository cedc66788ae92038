/**
 * Latency of MCP tool calls on the local stack: the stack's quilt-mcp driven with the official MCP
 * client as Rita (her catalog JWT on every request), N calls of each S3 tool on a prefix this
 * script writes (and removes). Budget (issue 13): p50 ≤ 50 ms, p95 ≤ 250 ms per tool call.
 *   npx tsx scripts/bench-mcp.ts [--calls 30] [--release quilt-mcp==0.20.0]
 * The package tools are measured when the quilt-mcp registers them (0.21.0 and 0.22.0 do not; with
 * --release, that release is started beside the stack's for the benchmark: 0.20.0 registers them).
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mintToken } from '@quilt-e2e/platform';
import {
  loadStackConfig, localStackS3Client, installedMcpVersion, mcpClient, mcpUrl, startExtraQuiltMcp, consoleReporter,
} from '@quilt-e2e/stack';

const { values } = parseArgs({ options: { calls: { type: 'string' }, release: { type: 'string' } } });
const calls = Number(values.calls ?? 30);
const c = loadStackConfig();
const bucket = c.s3.testBucket;
const s3 = localStackS3Client();
const prefix = `quilt-e2e-runs/bench-mcp-${randomBytes(4).toString('hex')}/`;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

for (let i = 0; i < 20; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}f${i}.txt`, Body: `file ${i}\n`.repeat(10) }));
const extra = values.release ? await startExtraQuiltMcp(c, values.release, consoleReporter('[bench-mcp] ')) : undefined;
const url = extra?.url ?? mcpUrl(c);
const client = await mcpClient(url, await mintToken(c.s3Users.reader.uid));
const tools = new Set((await client.listTools()).tools.map((t) => t.name));
const cases: [string, string, Record<string, unknown>][] = [
  ['bucket_objects_list (20 objects, no signed URLs)', 'bucket_objects_list', { bucket, prefix, max_keys: 100, include_signed_urls: false }],
  ['bucket_objects_list (20 objects, a signed URL each: its default)', 'bucket_objects_list', { bucket, prefix, max_keys: 100 }],
  ['bucket_object_info', 'bucket_object_info', { s3_uri: `s3://${bucket}/${prefix}f3.txt` }],
  ['bucket_object_text', 'bucket_object_text', { s3_uri: `s3://${bucket}/${prefix}f3.txt` }],
  ['bucket_object_link', 'bucket_object_link', { s3_uri: `s3://${bucket}/${prefix}f3.txt` }],
  ['package_browse', 'package_browse', { package_name: 'fixtures/genomics', registry: `s3://${bucket}` }],
];
console.log(`quilt-mcp ${extra?.version ?? installedMcpVersion(c) ?? '?'} at ${url}, ${calls} calls per tool (after 3 warm-up calls)`);
console.log('tool | p50 | p95 | max | budget p50 ≤ 50 ms, p95 ≤ 250 ms');
let over = false;
try {
  for (const [label, name, args] of cases) {
    if (!tools.has(name)) { console.log(`${label} | not registered by this quilt-mcp | | |`); continue; }
    for (let i = 0; i < 3; i++) await client.callTool({ name, arguments: args });
    const ms: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const r = await client.callTool({ name, arguments: args });
      ms.push(performance.now() - t);
      if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content).slice(0, 300)}`);
    }
    const ok = pct(ms, 50) <= 50 && pct(ms, 95) <= 250;
    over ||= !ok;
    console.log(`${label} | ${pct(ms, 50).toFixed(1)} ms | ${pct(ms, 95).toFixed(1)} ms | ${Math.max(...ms).toFixed(1)} ms | ${ok ? 'met' : 'MISSED'}`);
  }
} finally {
  await client.close();
  await extra?.stop();
  const v = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const x of [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])]) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: x.Key!, VersionId: x.VersionId! }));
  s3.destroy();
}
if (over) process.exitCode = 1;
