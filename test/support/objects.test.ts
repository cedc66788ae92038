// The bucket operations against the real RGW of the embedded stack (no mocks): round trips,
// truncation, binary content, presigned links, real AccessDenied for restricted users, cleanup.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadTarget } from '../../support/target.js';
import { createS3Client } from '@quilt-e2e/quilt-js';
import { BucketAccessError, ObjectStore } from '../../support/domain/objects.js';

const target = loadTarget({ ...process.env, QUILT_E2E_TARGET: 'local' });
const client = (role: 'admin' | 'reader' | 'outsider') => createS3Client({ ...target.s3, credentials: target.personas[role]!.credentials! });
const admin = new ObjectStore(client('admin'));
const reader = new ObjectStore(client('reader'));
const outsider = new ObjectStore(client('outsider'));
const bucket = target.bucket;
const prefix = `unit-objects-${randomBytes(4).toString('hex')}/`;

after(async () => { await admin.purgePrefix(bucket, prefix); });

describe('ObjectStore on the real RGW', () => {
  test('put, list with pagination, info and text agree', async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ key: `${prefix}page/f${i}.txt`, body: `file ${i}\n` }));
    const put = await admin.put(bucket, items);
    assert.equal(put.length, 5);
    assert.ok(put.every((p) => p.versionId), 'versioned bucket returns version ids');
    const page = await admin.list(bucket, `${prefix}page/`, 3);
    assert.equal(page.count, 3);
    assert.equal(page.isTruncated, true);
    assert.ok(page.nextContinuationToken);
    const rest = await admin.list(bucket, `${prefix}page/`, 1000, page.nextContinuationToken);
    assert.deepEqual([...page.objects, ...rest.objects].map((o) => o.key), items.map((i) => i.key));
    const info = await admin.info(page.objects[0]!.s3Uri);
    assert.equal(info.size, 7);
    const text = await reader.text(page.objects[0]!.s3Uri, 4);
    assert.deepEqual({ text: text.text, truncated: text.truncated, bytesRead: text.bytesRead }, { text: 'file', truncated: true, bytesRead: 4 });
  });

  test('binary content is read gracefully and flagged as binary', async () => {
    const body = new Uint8Array([0, 159, 146, 150, 255, 0, 1, 2]);
    await admin.put(bucket, [{ key: `${prefix}bin/blob.bin`, body }]);
    const t = await admin.text(`s3://${bucket}/${prefix}bin/blob.bin`, 1000);
    assert.equal(t.binary, true);
    assert.equal(t.bytesRead, 8);
  });

  test('a presigned link downloads over plain HTTP; a tampered one is refused', async () => {
    await admin.put(bucket, [{ key: `${prefix}link/a.txt`, body: 'linked' }]);
    const link = await admin.link(`s3://${bucket}/${prefix}link/a.txt`, 60);
    const ok = await fetch(link.signedUrl, { signal: AbortSignal.timeout(5000) });
    assert.equal(await ok.text(), 'linked');
    const bad = await fetch(link.signedUrl.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'), { signal: AbortSignal.timeout(5000) });
    assert.equal(bad.status, 403);
    await assert.rejects(admin.link(`s3://${bucket}/${prefix}link/a.txt`, 0), /whole number of seconds from 1 to 604800/);
  });

  test('the reader may read but not write; the outsider may not even list — real AccessDenied naming the bucket', async () => {
    await assert.rejects(reader.put(bucket, [{ key: `${prefix}denied.txt`, body: 'x' }]), (e: unknown) => {
      assert.ok(e instanceof BucketAccessError);
      assert.equal(e.code, 'AccessDenied');
      assert.match(e.message, new RegExp(`bucket "${bucket}"`));
      assert.match(e.message, /ask the bucket owner/);
      return true;
    });
    await assert.rejects(outsider.list(bucket, prefix), (e: unknown) => e instanceof BucketAccessError && e.code === 'AccessDenied' && e.status === 403);
    await reader.list(bucket, prefix);
  });

  test('a missing key is reported as such', async () => {
    await assert.rejects(admin.info(`s3://${bucket}/${prefix}nope.txt`), (e: unknown) => e instanceof BucketAccessError && e.code === 'NoSuchKey');
  });

  test('purgePrefix removes every version, and refuses an empty prefix', async () => {
    await admin.put(bucket, [{ key: `${prefix}v/x.txt`, body: '1' }]);
    await admin.put(bucket, [{ key: `${prefix}v/x.txt`, body: '2' }]);
    assert.equal((await admin.versionsUnder(bucket, `${prefix}v/`)).length, 2);
    assert.equal(await admin.purgePrefix(bucket, `${prefix}v/`), 2);
    assert.deepEqual(await admin.versionsUnder(bucket, `${prefix}v/`), []);
    await assert.rejects(admin.purgePrefix(bucket, ''), /refusing to purge a whole bucket/);
  });
});
