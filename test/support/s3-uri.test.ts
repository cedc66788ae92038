import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatS3Uri, parseS3Uri, S3UriError } from '../../support/domain/s3-uri.js';

test('parses bucket, key and versionId', () => {
  assert.deepEqual(parseS3Uri('s3://my-bucket/a/b%20c.csv?versionId=v1'), { bucket: 'my-bucket', key: 'a/b c.csv', versionId: 'v1' });
  assert.equal(formatS3Uri({ bucket: 'b12', key: 'k', versionId: 'a/b' }), 's3://b12/k?versionId=a%2Fb');
});

test('bad URIs name the problem and show the right form', () => {
  for (const bad of ['not-an-s3-uri', 'https://b/k', 's3://', 's3://bucket-only', 's3://Bad_Bucket/k', 's3://bkt/k?foo=1']) {
    assert.throws(() => parseS3Uri(bad), (e: unknown) => {
      assert.ok(e instanceof S3UriError);
      assert.match(e.message, /s3:\/\//);
      assert.match(e.message.toLowerCase(), /uri/);
      assert.match(e.message, /for example s3:\/\/my-bucket\/data\/file1\.csv/);
      return true;
    }, bad);
  }
});
