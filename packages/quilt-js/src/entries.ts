/**
 * Turning the caller's entry sources (local files, in-memory content, S3 objects, entries of a
 * parent revision) into manifest entries: checked first (nothing written), then hashed and, where
 * quilt3 would, copied to the package's default location `<user>/<pkg>/<logical_key>`.
 */
import { readFile, stat } from 'node:fs/promises';
import { CHUNKED_SHA256, chunkedSha256OfBytes, chunkedSha256OfFile } from './checksum.js';
import { QuiltValidationError } from './errors.js';
import type { JsonMap } from './json/values.js';
import { entryMeta, type ManifestEntry } from './manifest.js';
import { formatS3Url, parsePhysicalKey, type S3Location } from './physical-key.js';
import type { S3Store } from './s3-store.js';
import { parseS3Uri, validateLogicalKey } from './validation.js';

/** One file to put in a package: from a local path or S3 URI (`source`) or from bytes (`content`). */
export type EntrySource =
  | { logicalKey: string; source: string; meta?: unknown }
  | { logicalKey: string; content: string | Uint8Array; meta?: unknown };

/**
 * Where data goes on push. 'auto' (quilt3's default): local files and content are uploaded,
 * S3 objects in another bucket are copied, S3 objects already in the registry bucket stay where
 * they are. 'all': every entry is copied to `<user>/<pkg>/<logical_key>`.
 */
export type CopyMode = 'auto' | 'all';

/** An entry whose bytes are known and checked but not yet hashed or transferred. */
export type PlannedEntry =
  | { kind: 'file'; logicalKey: string; meta: JsonMap; path: string; size: number }
  | { kind: 'content'; logicalKey: string; meta: JsonMap; bytes: Uint8Array }
  | { kind: 's3'; logicalKey: string; meta: JsonMap; location: S3Location; size: number }
  | { kind: 'existing'; logicalKey: string; meta: JsonMap; entry: ManifestEntry };

/** Files up to this size are read once into memory to hash and upload. */
const SMALL_FILE = 1024 * 1024;

export function isS3Uri(source: string): boolean {
  return /^s3:\/\//i.test(source);
}

/** Checks one source (files exist, S3 objects exist) without writing anything. */
export async function planEntry(src: EntrySource, store: S3Store): Promise<PlannedEntry> {
  if (typeof src !== 'object' || src === null) {
    throw new QuiltValidationError(`Invalid package entry ${String(src)}: expected the format {logicalKey, source} or {logicalKey, content}, for example {"logicalKey": "data/a.csv", "source": "./a.csv"}`);
  }
  const logicalKey = validateLogicalKey(src.logicalKey);
  const meta = entryMeta(src.meta);
  if ('content' in src) {
    const bytes = typeof src.content === 'string' ? Buffer.from(src.content, 'utf8') : src.content;
    return { kind: 'content', logicalKey, meta, bytes };
  }
  if (typeof src.source !== 'string' || src.source === '') {
    throw new QuiltValidationError(`Invalid source for ${JSON.stringify(logicalKey)}: expected the format of a local file path or an S3 URI "s3://<bucket>/<key>", for example "s3://quilt-example/data/a.csv"`);
  }
  if (isS3Uri(src.source)) {
    const loc = parseS3Uri(src.source);
    const info = await store.head(loc);
    const versionId = loc.versionId ?? info.versionId;
    return { kind: 's3', logicalKey, meta, location: { bucket: loc.bucket, key: loc.key, ...(versionId ? { versionId } : {}) }, size: info.size };
  }
  const st = await stat(src.source).catch(() => undefined);
  if (!st?.isFile()) {
    throw new QuiltValidationError(`Invalid source ${JSON.stringify(src.source)} for ${JSON.stringify(logicalKey)}: no such local file; expected the format of a path to an existing file or an S3 URI "s3://<bucket>/<key>", for example "./data/a.csv"`);
  }
  return { kind: 'file', logicalKey, meta, path: src.source, size: st.size };
}

/** A manifest entry good enough for validating the manifest before anything is written. */
export function provisionalEntry(p: PlannedEntry, dest: S3Location): ManifestEntry {
  const hash = { type: CHUNKED_SHA256, value: 'x'.repeat(44) };
  switch (p.kind) {
    case 'existing': return { ...p.entry, meta: p.meta };
    case 's3': return { logicalKey: p.logicalKey, physicalKey: formatS3Url(p.location), size: p.size, hash, meta: p.meta };
    case 'content': return { logicalKey: p.logicalKey, physicalKey: formatS3Url(dest), size: p.bytes.length, hash, meta: p.meta };
    case 'file': return { logicalKey: p.logicalKey, physicalKey: formatS3Url(dest), size: p.size, hash, meta: p.meta };
  }
}

export interface Materializer {
  store: S3Store;
  bucket: string;
  copy: CopyMode;
  /** The default data location of a logical key. */
  destKey(logicalKey: string): string;
}

/** Hashes the entry's bytes and moves them where quilt3 would; returns the final entry. */
export async function materialize(p: PlannedEntry, m: Materializer): Promise<ManifestEntry> {
  const dest = m.destKey(p.logicalKey);
  switch (p.kind) {
    case 'content': {
      const value = chunkedSha256OfBytes(p.bytes);
      const put = await m.store.put(m.bucket, dest, p.bytes);
      return finalEntry(p, { bucket: m.bucket, key: dest, versionId: put.versionId }, p.bytes.length, value);
    }
    case 'file': {
      if (p.size <= SMALL_FILE) {
        // One read for hash and upload; larger files are streamed twice and never held in memory.
        const bytes = await readFile(p.path);
        const put = await m.store.put(m.bucket, dest, bytes);
        return finalEntry(p, { bucket: m.bucket, key: dest, versionId: put.versionId }, bytes.length, chunkedSha256OfBytes(bytes));
      }
      const { value, size } = await chunkedSha256OfFile(p.path);
      const put = await m.store.uploadFile(p.path, size, m.bucket, dest);
      return finalEntry(p, { bucket: m.bucket, key: dest, versionId: put.versionId }, size, value);
    }
    case 's3': {
      const value = await m.store.chunkedSha256(p.location, p.size);
      const where = await place(p.location, m, dest);
      return finalEntry(p, where, p.size, value);
    }
    case 'existing': {
      const pk = parsePhysicalKey(p.entry.physicalKey, `entry ${JSON.stringify(p.logicalKey)}`);
      if (pk.scheme === 'file') {
        const put = await m.store.uploadFile(pk.path, p.entry.size, m.bucket, dest);
        return { ...p.entry, physicalKey: formatS3Url({ bucket: m.bucket, key: dest, ...(put.versionId ? { versionId: put.versionId } : {}) }), meta: p.meta };
      }
      const where = await place(pk, m, dest);
      return { ...p.entry, physicalKey: where === pk ? p.entry.physicalKey : formatS3Url(where), meta: p.meta };
    }
  }
}

function finalEntry(p: PlannedEntry, where: S3Location, size: number, value: string): ManifestEntry {
  const loc = { bucket: where.bucket, key: where.key, ...(where.versionId ? { versionId: where.versionId } : {}) };
  return { logicalKey: p.logicalKey, physicalKey: formatS3Url(loc), size, hash: { type: CHUNKED_SHA256, value }, meta: p.meta };
}

/** Keeps an S3 object in place or copies it to the default location, as the copy mode says. */
async function place(src: S3Location, m: Materializer, dest: string): Promise<S3Location> {
  const alreadyThere = src.bucket === m.bucket && src.key === dest;
  const mustCopy = m.copy === 'all' ? !alreadyThere : src.bucket !== m.bucket;
  if (!mustCopy) return src;
  const copied = await m.store.copy(src, m.bucket, dest);
  return { bucket: m.bucket, key: dest, ...(copied.versionId ? { versionId: copied.versionId } : {}) };
}
