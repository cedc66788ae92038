/**
 * The stack's S3 front against the real RGW: S3's flexible checksums as AWS answers them — a
 * PutObject's SHA-256 answered (and a wrong claimed one refused with nothing written), a multipart
 * upload's composite checksum, a copy's checksum — and quilt3 (PyPI) pushing through it, large
 * files in parts and copies from S3 included, with the hashes an independent Python implementation
 * computes. Needs the stack up (`npm run stack -- up`).
 *
 *   node --import tsx --test packages/platform/test/s3-front/front.test.ts
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectVersionsCommand,
  PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DEFAULT_TEST_BUCKET, REGION, S3_USERS } from '@quilt-e2e/constants';
import { loadPorts } from '@quilt-e2e/env';
import { ensureQuilt3 } from '@quilt-e2e/test-kit';

const ports = loadPorts(process.env);
const front = `http://127.0.0.1:${ports.s3Front}`;
const bucket = process.env.QUILT_E2E_LOCAL_BUCKET ?? DEFAULT_TEST_BUCKET;
const credentials = { accessKeyId: S3_USERS.admin.accessKeyId, secretAccessKey: S3_USERS.admin.secretAccessKey };
const s3 = new S3Client({ endpoint: front, region: REGION, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_SUPPORTED', responseChecksumValidation: 'WHEN_REQUIRED' });
const prefix = `s3-front-test/${randomBytes(4).toString('hex')}/`;
/** The manifests quilt3 wrote (their content is this run's own: random bytes), removed at the end. */
const manifests: string[] = [];
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('base64');

after(async () => {
  // Every version under the test's prefix, and the packages quilt3 pushed.
  for (const p of [prefix, `.quilt/named_packages/frontcheck-${prefix.split('/')[1]}/`, ...manifests]) {
    const v = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: p }));
    for (const o of [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])]) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key!, VersionId: o.VersionId }));
  }
  s3.destroy();
});

test('PutObject with a SHA-256 checksum: the front answers it; a wrong claimed checksum is refused and nothing is written', async () => {
  const body = Buffer.from(`checksummed ${prefix}`);
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}a.txt`, Body: body, ChecksumAlgorithm: 'SHA256' }));
  assert.equal(put.ChecksumSHA256, sha(body));
  const wrong = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}wrong.txt`, Body: body, ChecksumSHA256: sha(Buffer.from('other')) })).then(() => 'written', (e: Error) => e.name);
  assert.equal(wrong, 'BadDigest');
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}wrong.txt` })).then(() => 'exists', (e: Error) => e.name);
  assert.equal(head, 'NotFound', 'nothing was written');
});

test('a multipart upload with SHA-256 checksums: each part answered, the whole answered as the composite of the parts', async () => {
  const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1024)];
  const key = `${prefix}multi.bin`;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }));
  const done = [];
  for (const [i, p] of parts.entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: p, ChecksumAlgorithm: 'SHA256' }));
    assert.equal(r.ChecksumSHA256, sha(p), `part ${i + 1}`);
    done.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256 });
  }
  const c = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }));
  const composite = createHash('sha256').update(Buffer.concat(parts.map((p) => createHash('sha256').update(p).digest()))).digest('base64');
  assert.equal(c.ChecksumSHA256, `${composite}-2`);
});

test('CopyObject with a SHA-256 checksum asked for: the checksum of what was copied', async () => {
  const body = Buffer.from(`to be copied ${prefix}`);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}src.txt`, Body: body }));
  const r = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: `${prefix}copy.txt`, CopySource: `${bucket}/${prefix}src.txt`, ChecksumAlgorithm: 'SHA256' }));
  assert.equal(r.CopyObjectResult?.ChecksumSHA256, sha(body));
});

test('quilt3 pushes through the front — a 9 MiB file in parts, a small one, and copies of both from S3 — with the hashes an independent implementation computes', async () => {
  const python = await ensureQuilt3();
  const dir = mkdtempSync(join(tmpdir(), 's3-front-'));
  try {
    writeFileSync(join(dir, 'big.bin'), randomBytes(9 * 1024 * 1024));
    writeFileSync(join(dir, 'small.txt'), 'hello through the front\n');
    const name = `frontcheck-${prefix.split('/')[1]}`;
    const script = `
import base64, hashlib, json, os, quilt3
def chunked(path, chunk=8 * 1024 * 1024):
    data = open(path, "rb").read()
    parts = [hashlib.sha256(data[i:i + chunk]).digest() for i in range(0, len(data), chunk)] or [hashlib.sha256(b"").digest()]
    return base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode()
os.chdir(${JSON.stringify(dir)})
p = quilt3.Package().set("big.bin", "big.bin").set("small.txt", "small.txt")
r = p.push("${name}/local", registry="s3://${bucket}", dest="s3://${bucket}/${prefix}local/", message="front", force=True)
c = quilt3.Package().set("big.bin", str(r["big.bin"].physical_key)).set("small.txt", str(r["small.txt"].physical_key))
r2 = c.push("${name}/copied", registry="s3://${bucket}", dest="s3://${bucket}/${prefix}copied/", message="front copy", force=True)
print(json.dumps({"tops": [r.top_hash, r2.top_hash], "hashes": {k: [r[k].hash["value"], r2[k].hash["value"], chunked(k)] for k in ("big.bin", "small.txt")}}))
`;
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, QUILT_DISABLE_USAGE_METRICS: 'true', QUILT_MINIMIZE_STDOUT: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_DEFAULT_REGION: REGION, AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_S3: front, AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required', AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    };
    const r = spawnSync(python, ['-c', script], { env, encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const { tops, hashes } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tops: string[]; hashes: Record<string, [string, string, string]> };
    manifests.push(...tops.map((t) => `.quilt/packages/${t}`));
    for (const [key, [pushed, copied, independent]] of Object.entries(hashes)) {
      assert.equal(pushed, independent, `${key}: quilt3's hash of the upload`);
      assert.equal(copied, independent, `${key}: quilt3's hash of the copy`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
