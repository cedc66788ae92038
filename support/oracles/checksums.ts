/**
 * quilt3's sha2-256-chunked, written here from its published definition (shared reference
 * quilt-formats.md §2, quilt's docs/CHUNKED_CHECKSUMS.md) with node:crypto — not the package
 * code under test: chunk size 8 MiB, doubled while the file would have more than 10,000 chunks;
 * value = base64(sha256(concat(sha256(chunk_i)))); an empty file hashes the empty string.
 */
import { createHash } from 'node:crypto';

const MIN_CHUNK = 8 * 1024 * 1024;
const MAX_CHUNKS = 10_000;

export function chunkSize(size: number): number {
  let chunk = MIN_CHUNK;
  while (Math.ceil(size / chunk) > MAX_CHUNKS) chunk *= 2;
  return chunk;
}

export function chunkedSha256(bytes: Uint8Array): string {
  if (bytes.length === 0) return createHash('sha256').update(Buffer.alloc(0)).digest('base64');
  const chunk = chunkSize(bytes.length);
  const outer = createHash('sha256');
  for (let i = 0; i < bytes.length; i += chunk) outer.update(createHash('sha256').update(bytes.subarray(i, i + chunk)).digest());
  return outer.digest('base64');
}
