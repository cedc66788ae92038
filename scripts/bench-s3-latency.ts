/**
 * Small-request latency of the target's S3 (GET and HEAD of a tiny object, sequential), to see
 * per-request overhead such as Nagle's algorithm on the server. Prints figures; asserts nothing.
 *   npx tsx scripts/bench-s3-latency.ts [count]
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadTarget } from '../support/target.js';
import { createS3Client } from '@quilt-e2e/quilt-js';

const n = Number(process.argv[2] ?? 50);
const t = loadTarget();
const s3 = createS3Client({ ...t.s3, ...(t.personas.admin?.credentials ? { credentials: t.personas.admin.credentials } : {}) });
const key = `quilt-e2e-runs/bench-latency-${process.pid}.txt`;
const put = await s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: 'latency probe' }));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, op] of [['GET', () => s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: key })).then((r) => r.Body!.transformToString())], ['HEAD', () => s3.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key }))]] as const) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) { const s = performance.now(); await op(); times.push(performance.now() - s); }
  console.log(`${name.padEnd(4)} median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${n}`);
}
await s3.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key, VersionId: put.VersionId }));
s3.destroy();
