/**
 * Multi-object delete vs single deletes on the stack's RGW (versioned test bucket, change feed
 * following it): seconds to remove N object versions either way. Prints figures, asserts nothing.
 *   npx tsx scripts/bench-delete.ts [N=200]
 */
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadStackConfig, localStackS3Client } from '@quilt-e2e/stack';

const n = Number(process.argv[2] ?? 200);
const bucket = loadStackConfig().s3.testBucket;
const s3 = localStackS3Client();

async function seed(prefix: string): Promise<{ Key: string; VersionId: string }[]> {
  const keys = Array.from({ length: n }, (_, i) => `${prefix}${i}.txt`);
  const out: { Key: string; VersionId: string }[] = [];
  for (let i = 0; i < keys.length; i += 32) {
    const part = await Promise.all(keys.slice(i, i + 32).map(async (Key) => ({ Key, VersionId: (await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }))).VersionId! })));
    out.push(...part);
  }
  return out;
}

const run = randomBytes(3).toString('hex');
const a = await seed(`bench-delete-${run}/multi/`);
let t = Date.now();
for (let i = 0; i < a.length; i += 1000) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: a.slice(i, i + 1000), Quiet: true } }));
const multi = (Date.now() - t) / 1000;
const b = await seed(`bench-delete-${run}/single/`);
t = Date.now();
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => { while (next < b.length) { const v = b[next++]!; await s3.send(new DeleteObjectCommand({ Bucket: bucket, ...v })); } }));
const single = (Date.now() - t) / 1000;
console.log(`| ${n} versions | DeleteObjects (1000 per request) | ${multi.toFixed(2)} s | ${(n / multi).toFixed(0)}/s |`);
console.log(`| ${n} versions | DeleteObject, 16 in parallel | ${single.toFixed(2)} s | ${(n / single).toFixed(0)}/s |`);
s3.destroy();
