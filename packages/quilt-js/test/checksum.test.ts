import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ChunkedSha256, checksumChunkSize, chunkedSha256OfBytes, chunkedSha256OfFile, chunkedSha256OfStream,
} from '../src/checksum.js';

const MiB = 1024 * 1024;

/** An independent sha2-256-chunked in Python (quilt3's algorithm, written out). */
function pythonChunked(path: string): string {
  const code = `
import hashlib, base64, math, sys, os
p = sys.argv[1]; size = os.path.getsize(p); chunk = 8*1024*1024
while math.ceil(size / chunk) > 10000: chunk *= 2
outer = hashlib.sha256()
with open(p, 'rb') as f:
    while True:
        b = f.read(chunk)
        if not b: break
        outer.update(hashlib.sha256(b).digest())
print(base64.b64encode(outer.digest()).decode())`;
  const r = spawnSync('python3', ['-c', code, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('sha2-256-chunked', () => {
  test('the reference values: empty file and small files', () => {
    assert.equal(chunkedSha256OfBytes(new Uint8Array()), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    assert.equal(chunkedSha256OfBytes(Buffer.from('# hi\n')), '6A+by1PA8Xb8NryNMtRwrlCY/5CvkvTNmOgYYkdYYM0=');
    assert.equal(chunkedSha256OfBytes(Buffer.from('hello\n')), '7LZbuY+dkFtwRYmGw5/LrXcV5fL8w7Hwd2fXyD4kOMw=');
  });

  test('chunk size is 8 MiB, doubled while there would be more than 10,000 chunks', () => {
    assert.equal(checksumChunkSize(0), 8 * MiB);
    assert.equal(checksumChunkSize(8 * MiB * 10_000), 8 * MiB);
    assert.equal(checksumChunkSize(8 * MiB * 10_000 + 1), 16 * MiB);
    assert.equal(checksumChunkSize(16 * MiB * 10_000 + 1), 32 * MiB);
  });

  test('files of 0, 1, 8 MiB - 1, 8 MiB, 8 MiB + 1 and 20 MiB bytes match an independent Python implementation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quilt-checksum-'));
    try {
      for (const size of [0, 1, 8 * MiB - 1, 8 * MiB, 8 * MiB + 1, 20 * MiB + 7]) {
        const data = Buffer.alloc(size);
        for (let i = 0; i < size; i += 4096) data[i] = (i / 4096) % 251;
        const path = join(dir, `f${size}`);
        await writeFile(path, data);
        const expected = pythonChunked(path);
        assert.equal((await chunkedSha256OfFile(path)).value, expected, `file of ${size} bytes`);
        assert.equal(chunkedSha256OfBytes(data), expected, `bytes of ${size}`);
        assert.equal(await chunkedSha256OfStream(createReadStream(path, { highWaterMark: 3 * MiB + 17 }), size), expected, `odd reads of ${size}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('refuses a stream shorter or longer than announced', () => {
    assert.throws(() => new ChunkedSha256(10).update(Buffer.alloc(9)).digest(), /Expected 10 bytes/);
    assert.throws(() => new ChunkedSha256(10).update(Buffer.alloc(11)).digest(), /Expected 10 bytes/);
  });
});
