/**
 * Bucket operations in the spec's terms (list, info, text, link, put, fetch), on one S3 client.
 * Every call is bounded by the client's request timeout; failures carry the bucket and a remedy.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseS3Uri, formatS3Url as formatS3Uri } from '@quilt-e2e/quilt-js';

export interface ListedObject { key: string; s3Uri: string; size: number; lastModified: Date; etag: string }
export interface Listing { objects: ListedObject[]; count: number; isTruncated: boolean; nextContinuationToken?: string }
export interface ObjectInfo { s3Uri: string; size: number; contentType?: string; lastModified: Date; etag: string; versionId?: string; metadata: Record<string, string> }
export interface ObjectText { text: string; bytesRead: number; truncated: boolean; binary: boolean }
/** A file's bytes as fetched (binary intact): at most the bytes asked for, and whether there were more. */
export interface ObjectBytes { bytes: Uint8Array; truncated: boolean }
export interface ObjectLink { signedUrl: string; expirationSeconds: number; expiresAt: Date }
export interface PutItem { key: string; body: string | Uint8Array; contentType?: string; metadata?: Record<string, string> }
export interface PutResult { key: string; s3Uri: string; etag: string; versionId?: string }

/** An S3 failure explained for a person: what was attempted, on which bucket, and what to do. */
export class BucketAccessError extends Error {
  constructor(readonly code: string, readonly status: number | undefined, readonly bucket: string, action: string, remedy: string) {
    super(`${code}${status ? ` (HTTP ${status})` : ''}: cannot ${action} in bucket "${bucket}". ${remedy}`);
  }
}

export function explainS3Error(e: unknown, bucket: string, action: string): Error {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const code = err.Code ?? (err.name && err.name !== 'Unknown' ? err.name : status === 403 ? 'AccessDenied' : status === 404 ? 'NotFound' : err.name ?? 'Error');
  if (status === 403 || code === 'AccessDenied') {
    return new BucketAccessError('AccessDenied', status, bucket, action,
      `The credentials in use are not allowed to do this: ask the bucket owner for the permission (for example s3:${action.startsWith('list') ? 'ListBucket' : action.startsWith('write') ? 'PutObject' : 'GetObject'}) on "${bucket}", or use a persona that has it.`);
  }
  if (code === 'NoSuchBucket') return new BucketAccessError(code, status, bucket, action, 'Check the bucket name.');
  if (code === 'NoSuchKey' || code === 'NotFound') return new BucketAccessError('NoSuchKey', status, bucket, action, 'Check the key (and versionId); list the folder to see what exists.');
  return e instanceof Error ? e : new Error(String(e));
}

export class ObjectFetchTimeoutError extends Error {}

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

/** True when the bytes look like text: valid UTF-8 with no NUL bytes. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try { new TextDecoder('utf-8', { fatal: true }).decode(bytes); return true; } catch { return false; }
}

export class ObjectStore {
  constructor(private readonly s3: S3Client) {}

  async list(bucket: string, prefix: string, maxKeys = 1000, continuationToken?: string): Promise<Listing> {
    try {
      const objects: ListedObject[] = [];
      let token = continuationToken;
      let truncated = false;
      do {
        const r = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: Math.min(1000, maxKeys - objects.length), ContinuationToken: token }));
        for (const o of r.Contents ?? []) {
          objects.push({ key: o.Key!, s3Uri: formatS3Uri({ bucket, key: o.Key! }), size: o.Size ?? 0, lastModified: o.LastModified!, etag: unquote(o.ETag) });
        }
        truncated = !!r.IsTruncated;
        token = r.NextContinuationToken;
      } while (truncated && objects.length < maxKeys);
      return { objects, count: objects.length, isTruncated: truncated, ...(truncated && token ? { nextContinuationToken: token } : {}) };
    } catch (e) { throw explainS3Error(e, bucket, `list objects under "${prefix}"`); }
  }

  async info(uri: string): Promise<ObjectInfo> {
    const loc = parseS3Uri(uri);
    try {
      const r = await this.s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId }));
      return { s3Uri: uri, size: r.ContentLength ?? 0, contentType: r.ContentType, lastModified: r.LastModified!, etag: unquote(r.ETag), versionId: r.VersionId, metadata: r.Metadata ?? {} };
    } catch (e) { throw explainS3Error(e, loc.bucket, `read the metadata of "${loc.key}"`); }
  }

  /** Reads at most maxBytes from the start of the object (a ranged GET); binary content is reported as such, decoded with replacement characters. */
  async text(uri: string, maxBytes = 65_536, signal?: AbortSignal): Promise<ObjectText> {
    const { bytes, size } = await this.read(uri, maxBytes, signal);
    const binary = !looksLikeText(bytes);
    return { text: new TextDecoder('utf-8').decode(bytes), bytesRead: bytes.length, truncated: bytes.length < size, binary };
  }

  /** Reads at most maxBytes from the start of the object, as bytes (a ranged GET): binary stays intact. */
  async fetch(uri: string, maxBytes = 65_536): Promise<ObjectBytes> {
    const { bytes, size } = await this.read(uri, maxBytes);
    return { bytes, truncated: bytes.length < size };
  }

  async bytes(uri: string, maxBytes?: number, signal?: AbortSignal): Promise<Uint8Array> {
    return (await this.read(uri, maxBytes, signal)).bytes;
  }

  /** One GET (ranged when maxBytes is given): the bytes and the object's whole size (from Content-Range). */
  private async read(uri: string, maxBytes?: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; size: number }> {
    const loc = parseS3Uri(uri);
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId, ...(maxBytes !== undefined ? { Range: `bytes=0-${Math.max(0, maxBytes - 1)}` } : {}) }), { abortSignal: signal });
      const bytes = await r.Body!.transformToByteArray();
      const total = /\/(\d+)$/.exec(r.ContentRange ?? '')?.[1];
      return { bytes, size: total !== undefined ? Number(total) : bytes.length };
    } catch (e) {
      if ((e as Error).name === 'AbortError' || signal?.aborted) throw new Error(`reading ${uri} was aborted: ${String(signal?.reason ?? 'deadline passed')}`);
      throw explainS3Error(e, loc.bucket, `read "${loc.key}"`);
    }
  }

  /** Fetches a whole object, giving up (and aborting the transfer) at the deadline. */
  async fetchWithin(uri: string, deadlineMs: number): Promise<Uint8Array> {
    const signal = AbortSignal.timeout(deadlineMs);
    try {
      return await this.bytes(uri, undefined, signal);
    } catch (e) {
      if (signal.aborted) throw new ObjectFetchTimeoutError(`fetching ${uri} hit its timeout of ${deadlineMs} ms and was aborted; nothing partial was returned — retry with a longer timeout, or fetch a byte range`);
      throw e;
    }
  }

  async link(uri: string, expirationSeconds = 3600): Promise<ObjectLink> {
    const loc = parseS3Uri(uri);
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < 1 || expirationSeconds > 604_800) {
      throw new RangeError(`a link's expiration must be a whole number of seconds from 1 to 604800 (7 days), for example 300; got ${expirationSeconds}`);
    }
    const signedUrl = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, VersionId: loc.versionId }), { expiresIn: expirationSeconds });
    return { signedUrl, expirationSeconds, expiresAt: new Date(Date.now() + expirationSeconds * 1000) };
  }

  /** Puts each item; throws (naming every failed key) unless all succeeded. */
  async put(bucket: string, items: PutItem[]): Promise<PutResult[]> {
    const results = await Promise.allSettled(items.map(async (it) => {
      const body = typeof it.body === 'string' ? Buffer.from(it.body, 'utf8') : it.body;
      const r = await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: it.key, Body: body, ContentType: it.contentType, Metadata: it.metadata }));
      const etag = unquote(r.ETag);
      if (etag && etag !== md5(body)) throw new Error(`the server's ETag ${etag} does not match the MD5 of the bytes sent (${md5(body)})`);
      return { key: it.key, s3Uri: formatS3Uri({ bucket, key: it.key, ...(r.VersionId ? { versionId: r.VersionId } : {}) }), etag, ...(r.VersionId ? { versionId: r.VersionId } : {}) };
    }));
    const failed = results.map((r, i) => [r, items[i]!.key] as const).filter(([r]) => r.status === 'rejected');
    if (failed.length) {
      const first = (failed[0]![0] as PromiseRejectedResult).reason;
      throw Object.assign(explainS3Error(first, bucket, `write ${failed.length} of ${items.length} object(s) (${failed.map(([, k]) => k).join(', ')})`), { failedKeys: failed.map(([, k]) => k) });
    }
    return results.map((r) => (r as PromiseFulfilledResult<PutResult>).value);
  }

  /** Removes every version and delete marker under a prefix with single DeleteObject calls, 16 at a time (on RGW 16 faster than DeleteObjects: scripts/bench-delete.ts). */
  async purgePrefix(bucket: string, prefix: string): Promise<number> {
    if (!prefix || prefix === '/') throw new Error('refusing to purge a whole bucket: give a non-empty prefix');
    let removed = 0;
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const r = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      const all = [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])];
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(16, all.length) }, async () => {
        while (next < all.length) {
          const v = all[next++]!;
          await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key!, VersionId: v.VersionId }));
          removed++;
        }
      }));
      if (!r.IsTruncated) break;
      keyMarker = r.NextKeyMarker;
      versionMarker = r.NextVersionIdMarker;
    }
    return removed;
  }

  /**
   * Removes every version and delete marker of these keys with ONE multi-object delete request
   * (S3's DeleteObjects, at most 1000 versions), as boto3's delete_objects or `aws s3 rm
   * --recursive` do. Fails with the keys S3 could not remove.
   */
  async deleteForGoodInOneRequest(bucket: string, keys: string[]): Promise<{ versions: number }> {
    const objects: { Key: string; VersionId?: string }[] = [];
    for (const key of keys) {
      const r = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 1000 }));
      for (const v of [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])]) if (v.Key === key) objects.push({ Key: key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) });
    }
    if (objects.length === 0) throw new Error(`none of ${keys.join(', ')} exists in bucket "${bucket}": nothing to delete`);
    if (objects.length > 1000) throw new Error(`${objects.length} versions: one multi-object delete takes at most 1000`);
    let r;
    try { r = await this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: false } })); } catch (e) { throw explainS3Error(e, bucket, `delete ${objects.length} object version(s) in one request`); }
    if (r.Errors?.length) throw new Error(`the multi-object delete left ${r.Errors.length} version(s): ${r.Errors.slice(0, 5).map((x) => `${x.Key}@${x.VersionId} ${x.Code}`).join(', ')}`);
    return { versions: objects.length };
  }

  /** Removes one version of one object. */
  async deleteVersion(bucket: string, key: string, versionId: string): Promise<void> {
    try { await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })); } catch (e) { throw explainS3Error(e, bucket, `delete version ${versionId} of "${key}"`); }
  }

  /** Every version and delete marker under a prefix (what a cleanup must leave empty). */
  async versionsUnder(bucket: string, prefix: string): Promise<string[]> {
    const r = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
    return [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])].map((v) => `${v.Key}@${v.VersionId}`);
  }
}
