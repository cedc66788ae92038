import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QuiltValidationError } from '../src/errors.js';
import { formatS3Url, parsePhysicalKey, pythonQuote } from '../src/physical-key.js';
import {
  catalogBucketUrl, catalogCompareUrl, catalogObjectUrl, catalogPackageUrl, catalogPackagesUrl, catalogRevisionUrl,
  catalogRevisionsUrl, parseQuiltPlusUri, quiltPlusUri,
} from '../src/urls.js';
import {
  parseRegistry, parseRevisionRef, parseS3PrefixUri, parseS3Uri, validateLogicalKey, validatePackageName,
} from '../src/validation.js';

function rejects(fn: () => unknown, ...words: string[]): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof QuiltValidationError, `expected QuiltValidationError, got ${e.name}: ${e.message}`);
    for (const w of words) assert.ok(e.message.toLowerCase().includes(w.toLowerCase()), `"${e.message}" lacks "${w}"`);
    assert.match(e.message, /for example/);
    return true;
  });
}

describe('package names', () => {
  test('accepts quilt3 names, including Unicode letters', () => {
    for (const ok of ['a/b', 'user_1/pkg-2', 'A-b/C_d', 'café/données', '1/2']) assert.equal(validatePackageName(ok), ok);
  });

  test('rejects anything else with "package name" and "format" in the message', () => {
    for (const bad of ['', 'a', 'a/', '/b', 'a/b/c', 'a b/c', 'a/b.c', 'a/b\n', '../x', 'a//b', 42, null]) {
      rejects(() => validatePackageName(bad), 'package name', 'format');
    }
  });
});

describe('logical keys', () => {
  test('accepts relative file paths', () => {
    for (const ok of ['a', 'a/b.csv', 'dir/ü ñ/x y.txt', '.hidden', 'a/..b', '...']) assert.equal(validateLogicalKey(ok), ok);
  });

  test('rejects empty, ".", "..", empty segments and folders', () => {
    for (const bad of ['', '/a', 'a/', 'a//b', './a', 'a/../b', '..', '.', undefined]) rejects(() => validateLogicalKey(bad), 'logical key', 'format');
  });
});

describe('S3 URIs', () => {
  test('parses bucket, URL-decoded key and versionId', () => {
    assert.deepEqual(parseS3Uri('s3://quilt-e2e/a/b%20c.csv'), { bucket: 'quilt-e2e', key: 'a/b c.csv' });
    assert.deepEqual(parseS3Uri('s3://quilt-e2e/k?versionId=v%2B1'), { bucket: 'quilt-e2e', key: 'k', versionId: 'v+1' });
    assert.deepEqual(parseS3PrefixUri('s3://quilt-e2e/raw'), { bucket: 'quilt-e2e', prefix: 'raw/' });
    assert.deepEqual(parseS3PrefixUri('s3://quilt-e2e'), { bucket: 'quilt-e2e', prefix: '' });
  });

  test('rejects malformed URIs with "s3://" and "URI" in the message', () => {
    for (const bad of ['quilt-e2e/k', 'http://quilt-e2e/k', 's3://', 's3:///k', 's3://quilt-e2e', 's3://quilt-e2e/dir/',
      's3://Bad_Bucket/k', 's3://quilt-e2e/k?foo=1', 's3://quilt-e2e/k#x', ' s3://quilt-e2e/k', 7]) {
      rejects(() => parseS3Uri(bad), 's3://', 'uri');
    }
    rejects(() => parseS3PrefixUri('s3://quilt-e2e/d/?versionId=1'), 's3://', 'uri');
  });

  test('registries are whole buckets', () => {
    assert.equal(parseRegistry('quilt-e2e'), 'quilt-e2e');
    assert.equal(parseRegistry('s3://quilt-e2e/'), 'quilt-e2e');
    rejects(() => parseRegistry('s3://quilt-e2e/path'), 'registry', 'format');
    rejects(() => parseRegistry('Not A Bucket'), 'bucket', 'format');
  });

  test('revision references', () => {
    assert.deepEqual(parseRevisionRef('latest'), { kind: 'latest' });
    assert.deepEqual(parseRevisionRef('1700000000'), { kind: 'timestamp', timestamp: '1700000000' });
    assert.deepEqual(parseRevisionRef('5779f5'), { kind: 'hash', prefix: '5779f5' });
    for (const bad of ['5779f', 'XYZ123', 'a'.repeat(65), '']) rejects(() => parseRevisionRef(bad), 'revision');
  });
});

describe('physical keys', () => {
  test('quoted like Python quote(safe="/"), versionId like urlencode', () => {
    assert.equal(pythonQuote("a b/!'()*~_.-é"), "a%20b/%21%27%28%29%2A~_.-%C3%A9");
    assert.equal(formatS3Url({ bucket: 'b', key: 'd/x y+z#?.csv', versionId: 'a b/c+' }), 's3://b/d/x%20y%2Bz%23%3F.csv?versionId=a+b%2Fc%2B');
  });

  test('parse reverses format', () => {
    const loc = { bucket: 'b', key: 'd/ü %/x+y', versionId: 'v/1 2' };
    assert.deepEqual(parsePhysicalKey(formatS3Url(loc), 'test'), { scheme: 's3', ...loc });
    assert.deepEqual(parsePhysicalKey('file:///tmp/a%20b', 'test'), { scheme: 'file', path: '/tmp/a b' });
  });
});

describe('catalog URLs and Quilt+ URIs', () => {
  const C = 'http://127.0.0.1:3000/';
  test('as the catalog routes build them', () => {
    assert.equal(catalogBucketUrl(C, 'quilt-e2e'), 'http://127.0.0.1:3000/b/quilt-e2e');
    assert.equal(catalogObjectUrl(C, 'quilt-e2e', 'a b/c#.csv', 'v 1'), 'http://127.0.0.1:3000/b/quilt-e2e/tree/a%20b/c%23.csv?version=v%201');
    assert.equal(catalogObjectUrl(C, 'quilt-e2e', 'dir/'), 'http://127.0.0.1:3000/b/quilt-e2e/tree/dir/');
    assert.equal(catalogPackagesUrl(C, 'quilt-e2e'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/');
    assert.equal(catalogPackageUrl(C, 'quilt-e2e', 'team/data'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/team/data');
    assert.equal(catalogRevisionUrl(C, 'quilt-e2e', 'team/data'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/team/data');
    assert.equal(catalogRevisionUrl(C, 'quilt-e2e', 'team/data', 'abc123', 'dir/é.csv'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/team/data/tree/abc123/dir/%C3%A9.csv');
    assert.equal(catalogRevisionUrl(C, 'quilt-e2e', 'team/data', 'latest', 'dir/'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/team/data/tree/latest/dir/');
    assert.equal(catalogRevisionsUrl(C, 'quilt-e2e', 'team/data'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/team/data/revisions');
    assert.equal(catalogCompareUrl(C, 'quilt-e2e', 'team/data', 'h1', 'h2'), 'http://127.0.0.1:3000/b/quilt-e2e/packages/team/data/compare/h1/h2/');
  });

  test('Quilt+ URIs round-trip', () => {
    const uri = quiltPlusUri({ bucket: 'quilt-e2e', name: 'team/data', hash: 'abc123', path: 'dir/a b.csv' });
    assert.equal(uri, 'quilt+s3://quilt-e2e#package=team/data@abc123&path=dir%2Fa%20b.csv');
    assert.deepEqual(parseQuiltPlusUri(uri), { bucket: 'quilt-e2e', name: 'team/data', hash: 'abc123', path: 'dir/a b.csv' });
    assert.equal(quiltPlusUri({ bucket: 'quilt-e2e', name: 'team/data', tag: 'latest' }), 'quilt+s3://quilt-e2e#package=team/data:latest');
    rejects(() => quiltPlusUri({ bucket: 'quilt-e2e', name: 'team/data', tag: 'latest', hash: 'abc' }), 'quilt+');
    rejects(() => parseQuiltPlusUri('s3://quilt-e2e#package=a/b'), 'quilt+');
  });
});
