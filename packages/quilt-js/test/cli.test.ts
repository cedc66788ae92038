/**
 * The quilt-e2e command line, run as a real process through bin/quilt-e2e.mjs against RGW.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pyFloat } from '../src/json/values.js';
import { parseJson } from '../src/json/parse.js';
import { manifestOfFolder } from '../src/local.js';
import { scratch } from './helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/quilt-e2e.mjs', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, QUILT_E2E_S3_ENDPOINT: '', QUILT_E2E_TARGET: 'local' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const VECTOR = [
  '{"version": "v0", "message": "test", "user_meta": {"a": 1}}',
  '{"logical_key": "README.md", "physical_keys": ["s3://b/README.md"], "size": 5, "hash": {"type": "sha2-256-chunked", "value": "6A+by1PA8Xb8NryNMtRwrlCY/5CvkvTNmOgYYkdYYM0="}, "meta": {"user_meta": {"k": "é"}}}',
  '{"logical_key": "data/a.csv", "physical_keys": ["s3://b/data/a.csv"], "size": 6, "hash": {"type": "sha2-256-chunked", "value": "7LZbuY+dkFtwRYmGw5/LrXcV5fL8w7Hwd2fXyD4kOMw="}, "meta": {}}',
  '',
].join('\n');

describe('quilt-e2e package (offline)', () => {
  test('--help on every command documents options and exit codes', async () => {
    for (const args of [['--help'], ['package', '--help'], ...['hash', 'browse', 'diff', 'verify', 'list', 'revisions'].map((c) => ['package', c, '--help'])]) {
      const r = await cli(...args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: quilt-e2e package/);
      assert.match(r.stdout, /Exit codes:[\s\S]*2 {2}bad input[\s\S]*3 {2}service error/);
    }
  });

  test('hash of a manifest file is the reference top hash; of a folder, what the engine computes', async (t) => {
    const s = await scratch(t);
    const file = await s.file('vector.jsonl', VECTOR);
    const r = await cli('package', 'hash', file);
    assert.deepEqual([r.code, r.stdout.trim()], [0, '5779f54a78585089375696890b00e5edc426f5f60370c0b732a2211c01af79f8']);

    await s.file('folder/README.md', '# hi\n');
    await s.file('folder/data/a.csv', 'hello\n');
    const folder = join(s.dir, 'folder');
    const expected = (await manifestOfFolder(folder, { message: 'v1', userMeta: { f: pyFloat(1) } })).topHash();
    const f = await cli('package', 'hash', '--dir', folder, '--message', 'v1', '--meta', '{"f": 1.0}', '--json');
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(JSON.parse(f.stdout), { topHash: expected, entries: 2, bytes: 11 });
  });

  test('bad input exits 2 with a one-line message', async () => {
    for (const args of [['nope'], ['package', 'frob'], ['package', 'list', '--bogus'], ['package', 'browse', 'not-a-name'],
      ['package', 'browse', 'a/b', '--ref', 'zzz'], ['package', 'hash', '/nonexistent/manifest'], ['package', 'hash', '--dir', '/tmp', '--meta', '[1]']]) {
      const r = await cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^quilt-e2e: .+\n$/, args.join(' '));
    }
  });

  test('an unreachable endpoint exits 3', async () => {
    const r = await cli('package', 'browse', 'a/b', '--endpoint', 'http://127.0.0.1:1');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /ECONNREFUSED/);
  });
});

describe('quilt-e2e package (against RGW)', () => {
  test('browse shows package and file metadata exactly as the manifest holds it (1.0, big integers, -0.0)', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('meta');
    const meta = '{"float": 1.0, "big": 12345678901234567890, "neg0": -0.0, "small": 1e-05}';
    await s.registry.create(name, { message: `meta ${s.id}`, userMeta: parseJson(meta), entries: [{ logicalKey: 'a.txt', content: 'a', meta: parseJson('{"scale": 2.50}') }] });
    const text = await cli('package', 'browse', name);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.includes(`metadata: ${meta}`), text.stdout);
    const json = await cli('package', 'browse', name, '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.ok(json.stdout.includes('"userMeta": {"float":1.0,"big":12345678901234567890,"neg0":-0.0,"small":1e-05}'), json.stdout);
    assert.ok(json.stdout.includes('"userMeta": {"scale":2.5}'), json.stdout);
    assert.doesNotThrow(() => JSON.parse(json.stdout), 'the --json output is still JSON');
  });

  test('browse, diff, list, revisions, verify, and a verification mismatch', async (t) => {
    const s = await scratch(t);
    const name = s.pkg('cli');
    const v1 = await s.registry.create(name, { message: `one ${s.id}`, userMeta: { n: 1 }, entries: [
      { logicalKey: 'a.txt', content: 'a' }, { logicalKey: 'dir/b.txt', content: 'bb' },
    ] });
    const v2 = await s.registry.update(name, { message: `two ${s.id}`, set: [{ logicalKey: 'dir/c.txt', content: 'ccc' }], remove: ['a.txt'] });

    const browse = await cli('package', 'browse', name);
    assert.equal(browse.code, 0, browse.stderr);
    assert.match(browse.stdout, new RegExp(`${name}@${v2.hash}`));
    assert.match(browse.stdout, /2 files, 5 B/);
    assert.match(browse.stdout, /dir\/ {2}5 B \(2 files\)\n {2}b\.txt {2}2 B\n {2}c\.txt {2}3 B/);

    const json = JSON.parse((await cli('package', 'browse', name, '--ref', v1.timestamp, '--json')).stdout);
    assert.equal(json.hash, v1.hash);
    assert.deepEqual(json.userMeta, { n: 1 });
    assert.deepEqual(json.entries.map((e: { logicalKey: string }) => e.logicalKey), ['a.txt', 'dir/b.txt']);

    const diff = await cli('package', 'diff', name);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /\+ dir\/c\.txt\n- a\.txt\n1 added, 0 modified, 1 deleted/);

    assert.equal((await cli('package', 'list', '--namespace', s.ns)).stdout, `${name}\n`);
    const revs = await cli('package', 'revisions', name);
    assert.deepEqual(revs.stdout.trim().split('\n').map((l) => l.split(/\s+/)[2]), [v2.hash, v1.hash]);

    const ok = await cli('package', 'verify', name);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK .*2\/2 files verified/m);

    // a manifest whose recorded hash no longer matches the data: exit 1, the file named
    const tampered = v2.revision.manifest.serialize().replace(v2.revision.file('dir/c.txt').hash.value, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const file = join(s.dir, v2.hash);
    await writeFile(file, tampered);
    const bad = await cli('package', 'verify', '--manifest', file);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /MISMATCH dir\/c\.txt: hash mismatch/);
    assert.match(bad.stdout, /MISMATCH top hash/);

    assert.equal((await cli('package', 'browse', s.pkg('absent'))).code, 4);
  });
});
