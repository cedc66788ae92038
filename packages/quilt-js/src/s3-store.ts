/**
 * The few S3 calls the package engine makes, with errors turned into QuiltNotFoundError (404)
 * or QuiltServiceError (everything else, the S3 error kept as `cause`).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command,
  PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { ChunkedSha256, checksumChunkSize, combineChunkDigests } from './checksum.js';
import { mapLimit } from './concurrency.js';
import { QuiltNotFoundError, QuiltServiceError } from './errors.js';
import { createHash } from 'node:crypto';
import type { S3Location } from './physical-key.js';

/** Files at or above this size are uploaded in parts. */
const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
/** Parallel ranged GETs when hashing one large object. */
const RANGE_CONCURRENCY = 4;

export interface ObjectInfo { size: number; versionId?: string }
export interface ListedObject { key: string; size: number; versionId?: string }

function where(bucket: string, key?: string, versionId?: string): string {
  return `s3://${bucket}/${key ?? ''}${versionId ? `?versionId=${versionId}` : ''}`;
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return ['NoSuchKey', 'NotFound', 'NoSuchVersion', 'NoSuchBucket'].includes(err.name ?? '') || err.$metadata?.httpStatusCode === 404;
}

/** Runs one S3 call, naming the operation and object in any error. */
async function call<T>(op: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isNotFound(e)) {
      const bucketMissing = (e as { name?: string }).name === 'NoSuchBucket';
      throw new QuiltNotFoundError(bucketMissing ? `S3 bucket of ${target} does not exist` : `${target} does not exist (S3 ${op})`, { cause: e });
    }
    const err = e as { name?: string; message?: string };
    throw new QuiltServiceError(`S3 ${op} of ${target} failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`, { cause: e });
  }
}

export interface S3StoreOptions {
  /** Keys per list page (S3 default 1000); small values exercise pagination. */
  pageSize?: number;
}

export class S3Store {
  private readonly pageSize: number | undefined;

  constructor(readonly client: S3Client, options: S3StoreOptions = {}) {
    this.pageSize = options.pageSize;
  }

  async getBytes(loc: S3Location): Promise<Uint8Array> {
    return call('GetObject', where(loc.bucket, loc.key, loc.versionId), async () => {
      const r = await this.client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId }));
      return (await r.Body?.transformToByteArray()) ?? new Uint8Array();
    });
  }

  async getText(bucket: string, key: string): Promise<string> {
    return Buffer.from(await this.getBytes({ bucket, key })).toString('utf8');
  }

  /** The object's text, or undefined when it does not exist. */
  async getTextIfExists(bucket: string, key: string): Promise<string | undefined> {
    try {
      return await this.getText(bucket, key);
    } catch (e) {
      if (e instanceof QuiltNotFoundError) return undefined;
      throw e;
    }
  }

  /** A readable stream of the object (or of `range`, e.g. "bytes=0-99"). */
  async getStream(loc: S3Location, range?: string): Promise<Readable> {
    return call('GetObject', where(loc.bucket, loc.key, loc.versionId), async () => {
      const r = await this.client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId, Range: range }));
      return r.Body as Readable;
    });
  }

  async head(loc: S3Location): Promise<ObjectInfo> {
    return call('HeadObject', where(loc.bucket, loc.key, loc.versionId), async () => {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId }));
      return { size: r.ContentLength ?? 0, ...(r.VersionId ? { versionId: r.VersionId } : {}) };
    });
  }

  async put(bucket: string, key: string, body: string | Uint8Array | Readable, contentLength?: number, metadata?: Record<string, string>): Promise<ObjectInfo> {
    return call('PutObject', where(bucket, key), async () => {
      const length = contentLength ?? (typeof body === 'string' ? Buffer.byteLength(body) : (body as Uint8Array).length);
      const r = await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: length, ...(metadata ? { Metadata: metadata } : {}) }));
      return { size: length, ...(r.VersionId ? { versionId: r.VersionId } : {}) };
    });
  }

  /** Uploads a local file (in parts when large) and returns the new version. */
  async uploadFile(path: string, size: number, bucket: string, key: string): Promise<ObjectInfo> {
    if (size < MULTIPART_THRESHOLD) return this.put(bucket, key, createReadStream(path), size);
    return this.uploadFileInParts(path, size, bucket, key);
  }

  private async uploadFileInParts(path: string, size: number, bucket: string, key: string): Promise<ObjectInfo> {
    const target = where(bucket, key);
    const partSize = Math.max(checksumChunkSize(size), 16 * 1024 * 1024);
    const { UploadId } = await call('CreateMultipartUpload', target, () =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })));
    try {
      const starts = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i * partSize);
      const parts = await mapLimit(starts, 4, async (start, i) => {
        const length = Math.min(partSize, size - start);
        const r = await call('UploadPart', target, () => this.client.send(new UploadPartCommand({
          Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, ContentLength: length,
          Body: createReadStream(path, { start, end: start + length - 1 }),
        })));
        return { PartNumber: i + 1, ETag: r.ETag };
      });
      const r = await call('CompleteMultipartUpload', target, () => this.client.send(new CompleteMultipartUploadCommand({
        Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts },
      })));
      return { size, ...(r.VersionId ? { versionId: r.VersionId } : {}) };
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  /** Server-side copy (objects up to 5 GiB). */
  async copy(src: S3Location, bucket: string, key: string): Promise<ObjectInfo> {
    return call('CopyObject', `${where(src.bucket, src.key, src.versionId)} to ${where(bucket, key)}`, async () => {
      const source = `${src.bucket}/${encodeURIComponent(src.key).replace(/%2F/g, '/')}${src.versionId ? `?versionId=${encodeURIComponent(src.versionId)}` : ''}`;
      const r = await this.client.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: source }));
      const info = await this.head({ bucket, key, ...(r.VersionId ? { versionId: r.VersionId } : {}) });
      return info;
    });
  }

  async delete(bucket: string, key: string): Promise<void> {
    await call('DeleteObject', where(bucket, key), () => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  /** Every current object under `prefix`, page by page (ListObjectsV2). */
  async *list(bucket: string, prefix: string): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const r = await call('ListObjectsV2', where(bucket, prefix), () =>
        this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.pageSize })));
      for (const o of r.Contents ?? []) yield { key: o.Key ?? '', size: o.Size ?? 0 };
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  /** The "folders" directly under `prefix` (ListObjectsV2 with a "/" delimiter). */
  async listFolders(bucket: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await call('ListObjectsV2', where(bucket, prefix), () =>
        this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token, MaxKeys: this.pageSize })));
      for (const p of r.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** The latest version of every object under `prefix` (ListObjectVersions, as quilt3's set_dir). */
  async *listLatestVersions(bucket: string, prefix: string): AsyncGenerator<ListedObject> {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const r = await call('ListObjectVersions', where(bucket, prefix), () => this.client.send(new ListObjectVersionsCommand({
        Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: this.pageSize,
      })));
      for (const v of r.Versions ?? []) {
        if (v.IsLatest) yield { key: v.Key ?? '', size: v.Size ?? 0, ...(v.VersionId ? { versionId: v.VersionId } : {}) };
      }
      if (!r.IsTruncated) return;
      keyMarker = r.NextKeyMarker;
      versionMarker = r.NextVersionIdMarker;
    }
  }

  /** Every version and delete marker under `prefix` (for cleaning up test data). */
  async *listAllVersions(bucket: string, prefix: string): AsyncGenerator<{ key: string; versionId: string }> {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const r = await call('ListObjectVersions', where(bucket, prefix), () => this.client.send(new ListObjectVersionsCommand({
        Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: this.pageSize,
      })));
      for (const v of [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])]) yield { key: v.Key ?? '', versionId: v.VersionId ?? 'null' };
      if (!r.IsTruncated) return;
      keyMarker = r.NextKeyMarker;
      versionMarker = r.NextVersionIdMarker;
    }
  }

  /** Permanently deletes every version of every object under `prefix` (a non-empty prefix). Returns how many. */
  async deleteAllVersions(bucket: string, prefix: string, concurrency = 16): Promise<number> {
    if (prefix === '') throw new Error('deleteAllVersions needs a non-empty prefix');
    const versions: Array<{ key: string; versionId: string }> = [];
    for await (const v of this.listAllVersions(bucket, prefix)) versions.push(v);
    await mapLimit(versions, concurrency, (v) => call('DeleteObject', where(bucket, v.key, v.versionId), () =>
      this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }))));
    return versions.length;
  }

  /** sha2-256-chunked of an object, chunks fetched as parallel ranged GETs and streamed into their hashes. */
  async chunkedSha256(loc: S3Location, size: number): Promise<string> {
    const chunk = checksumChunkSize(size);
    if (size <= chunk) {
      const h = new ChunkedSha256(size);
      if (size > 0) for await (const part of await this.getStream(loc)) h.update(part as Uint8Array);
      return h.digest();
    }
    const starts = Array.from({ length: Math.ceil(size / chunk) }, (_, i) => i * chunk);
    const digests = await mapLimit(starts, RANGE_CONCURRENCY, async (start) => {
      const end = Math.min(start + chunk, size) - 1;
      const h = createHash('sha256');
      let n = 0;
      for await (const part of await this.getStream(loc, `bytes=${start}-${end}`)) { h.update(part as Uint8Array); n += (part as Uint8Array).length; }
      if (n !== end - start + 1) throw new QuiltServiceError(`Read ${n} bytes of ${where(loc.bucket, loc.key, loc.versionId)} range ${start}-${end}: the object is shorter than the ${size} bytes expected`);
      return h.digest();
    });
    return combineChunkDigests(digests);
  }

  /** Legacy SHA256 (hex) of an object. */
  async legacySha256(loc: S3Location): Promise<string> {
    const h = createHash('sha256');
    for await (const part of await this.getStream(loc)) h.update(part as Uint8Array);
    return h.digest('hex');
  }
}
