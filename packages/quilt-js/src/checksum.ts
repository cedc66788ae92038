/**
 * Entry hashes. `sha2-256-chunked` (quilt3's default) is the padded base64 of
 * sha256(sha256(chunk_1) || ... || sha256(chunk_n)) with 8 MiB chunks, the chunk size doubled
 * while there would be more than 10,000 chunks; an empty file has no chunks, so its value is
 * sha256(''). `SHA256` is the legacy hex digest of the whole content. Everything streams.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export const CHUNKED_SHA256 = 'sha2-256-chunked';
export const LEGACY_SHA256 = 'SHA256';
export const CRC64NVME = 'CRC64NVME';

const BASE_CHUNK = 8 * 1024 * 1024;
const MAX_CHUNKS = 10_000;

export interface EntryHash { type: string; value: string }

/** Chunk size quilt3 uses for a file of `size` bytes. */
export function checksumChunkSize(size: number): number {
  let chunk = BASE_CHUNK;
  while (Math.ceil(size / chunk) > MAX_CHUNKS) chunk *= 2;
  return chunk;
}

/** Incremental sha2-256-chunked for content of a known total size. */
export class ChunkedSha256 {
  private readonly chunkSize: number;
  private readonly outer = createHash('sha256');
  private inner: Hash | undefined;
  private filled = 0;
  private seen = 0;

  constructor(private readonly totalSize: number) {
    this.chunkSize = checksumChunkSize(totalSize);
  }

  update(data: Uint8Array): this {
    let offset = 0;
    while (offset < data.length) {
      this.inner ??= createHash('sha256');
      const take = Math.min(this.chunkSize - this.filled, data.length - offset);
      this.inner.update(offset === 0 && take === data.length ? data : data.subarray(offset, offset + take));
      offset += take;
      this.filled += take;
      if (this.filled === this.chunkSize) this.closeChunk();
    }
    this.seen += data.length;
    return this;
  }

  /** The base64 value; throws if fewer or more bytes came than announced. */
  digest(): string {
    if (this.seen !== this.totalSize) {
      throw new Error(`Expected ${this.totalSize} bytes to hash but read ${this.seen}: the data changed while it was read`);
    }
    if (this.filled > 0) this.closeChunk();
    return this.outer.digest('base64');
  }

  private closeChunk(): void {
    this.outer.update((this.inner as Hash).digest());
    this.inner = undefined;
    this.filled = 0;
  }
}

/** Combines per-chunk sha256 digests (in order) into a sha2-256-chunked value. */
export function combineChunkDigests(digests: Uint8Array[]): string {
  const outer = createHash('sha256');
  for (const d of digests) outer.update(d);
  return outer.digest('base64');
}

/** sha2-256-chunked of in-memory bytes. */
export function chunkedSha256OfBytes(data: Uint8Array): string {
  return new ChunkedSha256(data.length).update(data).digest();
}

/** Hashes a stream of exactly `size` bytes. */
export async function chunkedSha256OfStream(stream: Readable | AsyncIterable<Uint8Array>, size: number): Promise<string> {
  const h = new ChunkedSha256(size);
  for await (const chunk of stream) h.update(chunk as Uint8Array);
  return h.digest();
}

/** Hashes a local file without loading it into memory. */
export async function chunkedSha256OfFile(path: string): Promise<EntryHash & { size: number }> {
  const { size } = await stat(path);
  const value = await chunkedSha256OfStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), size);
  return { type: CHUNKED_SHA256, value, size };
}

/** Legacy `SHA256` (hex) of a stream. */
export async function legacySha256OfStream(stream: Readable | AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Uint8Array);
  return h.digest('hex');
}
