import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkedSha256OfBytes } from '../src/checksum.js';
import { diffManifests } from '../src/diff.js';
import { QuiltManifestError, QuiltValidationError } from '../src/errors.js';
import { pyFloat } from '../src/json/values.js';
import { Manifest, compareLogicalKeys, entryMeta, type ManifestEntry } from '../src/manifest.js';
import { buildTree } from '../src/revision.js';

function entry(logicalKey: string, content: string, userMeta?: unknown): ManifestEntry {
  const bytes = Buffer.from(content);
  return {
    logicalKey, physicalKey: `s3://b/${logicalKey}`, size: bytes.length,
    hash: { type: 'sha2-256-chunked', value: chunkedSha256OfBytes(bytes) }, meta: entryMeta(userMeta),
  };
}

const VECTOR_HASH = '5779f54a78585089375696890b00e5edc426f5f60370c0b732a2211c01af79f8';

describe('top hash', () => {
  test('the reference test vector', () => {
    const m = Manifest.create({ message: 'test', userMeta: { a: 1 }, entries: [entry('README.md', '# hi\n', { k: 'é' }), entry('data/a.csv', 'hello\n')] });
    assert.equal(m.topHash(), VECTOR_HASH);
  });

  test('does not depend on physical keys, directory metadata or header key order', () => {
    const text = [
      '{"message": "test", "user_meta": {"a": 1}, "version": "v0", "top_hash": "ignored"}',
      '{"logical_key": "data/", "meta": {"dir": "meta"}}',
      '{"logical_key": "data/a.csv", "physical_keys": ["s3://elsewhere/x?versionId=1"], "size": 6, "hash": {"type": "sha2-256-chunked", "value": "7LZbuY+dkFtwRYmGw5/LrXcV5fL8w7Hwd2fXyD4kOMw="}, "meta": {}}',
      '{"logical_key": "README.md", "physical_keys": ["file:///tmp/README.md"], "size": 5, "hash": {"type": "sha2-256-chunked", "value": "6A+by1PA8Xb8NryNMtRwrlCY/5CvkvTNmOgYYkdYYM0="}, "meta": {"user_meta": {"k": "\\u00e9"}}}',
    ].join('\n');
    assert.equal(Manifest.parse(text).topHash(), VECTOR_HASH);
  });

  test('a float 1.0 and an int 1 give different hashes, as in quilt3', () => {
    const asInt = Manifest.create({ message: null, userMeta: { x: 1 }, entries: [] });
    const asFloat = Manifest.create({ message: null, userMeta: { x: pyFloat(1) }, entries: [] });
    assert.notEqual(asInt.topHash(), asFloat.topHash());
    assert.equal(Manifest.parse(asFloat.serialize()).topHash(), asFloat.topHash());
  });
});

describe('walk order', () => {
  test('segment-wise by code point: folder "a" before "a-b" and "a.txt", astral after U+FFFF', () => {
    const keys = ['a.txt', 'a/b', 'a/a/z', 'B', '\uffff', '😀', 'a-b'];
    assert.deepEqual([...keys].sort(compareLogicalKeys), ['B', 'a/a/z', 'a/b', 'a-b', 'a.txt', '\uffff', '😀']);
  });

  test('entries are kept in walk order whatever order they came in', () => {
    const m = Manifest.create({ entries: [entry('z', 'z'), entry('a.txt', 'a'), entry('a/b', 'b')] });
    assert.deepEqual(m.entries.map((e) => e.logicalKey), ['a/b', 'a.txt', 'z']);
  });
});

describe('writing', () => {
  test('byte-exact quilt3 JSONL: header order, separators, unicode unescaped, trailing newline', () => {
    const m = Manifest.create({ message: 'héllo "q"', userMeta: { score: 0.5, n: 2, tags: ['ü'] }, entries: [entry('dir/ü.txt', 'x', { k: pyFloat(1e-5) })] });
    const lines = m.serialize().split('\n');
    assert.equal(lines[0], '{"version": "v0", "user_meta": {"score": 0.5, "n": 2, "tags": ["ü"]}, "message": "héllo \\"q\\""}');
    assert.equal(lines[1], `{"logical_key": "dir/ü.txt", "physical_keys": ["s3://b/dir/ü.txt"], "size": 1, "hash": {"type": "sha2-256-chunked", "value": "${chunkedSha256OfBytes(Buffer.from('x'))}"}, "meta": {"user_meta": {"k": 1e-05}}}`);
    assert.equal(lines[2], '');
    assert.equal(lines.length, 3);
  });

  test('no message still writes "message": null', () => {
    assert.equal(Manifest.create({ entries: [] }).serialize(), '{"version": "v0", "message": null}\n');
  });

  test('a quilt3-written manifest round-trips byte for byte (numbers, unicode, directory metadata)', () => {
    const text = [
      '{"version": "v0", "user_meta": {"f": 1.0, "e": 1e-05, "big": 1e+16, "i": 12345678901234567890, "u": "日本 😀", "nested": {"z": [true, null]}}, "message": "m"}',
      '{"logical_key": "a/", "meta": {"dir": 1.5}}',
      '{"logical_key": "a/b c.csv", "physical_keys": ["s3://bkt/p/a/b%20c.csv?versionId=abc"], "size": 3, "hash": {"type": "sha2-256-chunked", "value": "abc="}, "meta": {"user_meta": {"x": 0.1}, "format": {"name": "csv"}}}',
      '',
    ].join('\n');
    const m = Manifest.parse(text);
    assert.equal(m.serialize(), text);
    assert.deepEqual(m.userMeta, { f: 1, e: 1e-5, big: 1e16, i: 12345678901234567890, u: '日本 😀', nested: { z: [true, null] } });
    assert.deepEqual(m.directories.map((d) => d.logicalKey), ['a/']);
  });

  test('refuses records over 1,000,000 bytes, naming the record', () => {
    const m = Manifest.create({ entries: [entry('big.txt', 'x', { blob: 'y'.repeat(1_000_001) })] });
    assert.throws(() => m.serialize(), (e: Error) => e instanceof QuiltValidationError && e.message.includes('"big.txt"') && e.message.includes('1000000'));
  });
});

describe('reading', () => {
  test('rejects duplicate keys, a file under a file, and broken lines', () => {
    assert.throws(() => Manifest.create({ entries: [entry('a', '1'), entry('a', '2')] }), QuiltValidationError);
    assert.throws(() => Manifest.create({ entries: [entry('a', '1'), entry('a/b', '2')] }), /both a file and a folder/);
    assert.throws(() => Manifest.parse(''), QuiltManifestError);
    assert.throws(() => Manifest.parse('{"version": "v0"}\n{"logical_key": "a", "physical_keys": ["s3://b/a"], "size": 1.5, "hash": {"type": "t", "value": "v"}, "meta": {}}'), /size/);
    assert.throws(() => Manifest.parse('{"version": "v0"}\n{"logical_key": "../a", "physical_keys": ["s3://b/a"], "size": 1, "hash": {"type": "t", "value": "v"}, "meta": {}}'), /logical key/);
  });

  test('null meta reads as {} (quilt3: meta or {})', () => {
    const m = Manifest.parse('{"version": "v0"}\n{"logical_key": "a", "physical_keys": ["s3://b/a"], "size": 1, "hash": {"type": "t", "value": "v"}, "meta": null}\n');
    assert.equal(m.entries[0]?.meta.size, 0);
  });
});

describe('tree and diff', () => {
  test('tree sizes add up per folder, deep trees need no recursion', () => {
    const deepKey = `${Array.from({ length: 400 }, (_, i) => `d${i}`).join('/')}/leaf.txt`;
    const m = Manifest.create({ entries: [entry('a/b/c.txt', 'abc'), entry('a/d.txt', 'dd'), entry('e.txt', 'e'), entry(deepKey, 'deep')] });
    const root = buildTree(m);
    assert.equal(root.size, 10);
    assert.equal(root.files, 4);
    assert.equal(root.children.get('a')?.size, 5);
    assert.equal(root.children.get('a')?.children.get('b')?.path, 'a/b/');
    let node = root.children.get('d0');
    for (let i = 1; i < 400; i++) node = node?.children.get(`d${i}`);
    assert.equal(node?.children.get('leaf.txt')?.size, 4);
  });

  test('diff: added sorted, modified on hash/size/meta, physical keys ignored', () => {
    const a = Manifest.create({ entries: [entry('same', 's'), entry('gone', 'g'), entry('changed', '1'), entry('meta', 'm', { v: 1 })] });
    const moved = { ...entry('same', 's'), physicalKey: 's3://other/place' };
    const b = Manifest.create({ entries: [moved, entry('changed', '2'), entry('meta', 'm', { v: 2 }), entry('z-new', 'n'), entry('b-new', 'n')] });
    assert.deepEqual(diffManifests(a, b), { added: ['b-new', 'z-new'], modified: ['changed', 'meta'], deleted: ['gone'] });
  });
});
