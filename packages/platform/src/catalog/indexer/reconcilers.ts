/**
 * The indexer's reconcilers: for one key, what the search indexes must hold given what S3 holds NOW
 * (level-triggered) — an object's versions and delete markers, a manifest with its entries, a
 * pointer — as bulk operations. S3 and OpenSearch failures come out as errors.ts says (transient or not).
 */
import {
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectVersionsCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { Manifest, pythonDumps, type JsonValue } from '@quilt-e2e/quilt-js';
import { faultIs } from '../../faults.js';
import { s3ErrorStatus } from '../authz.js';
import { entryDocId, extOf, manifestDocId, objectDocId, packagesIndex, pointerDocId } from '../search-index.js';
import { isTransientS3, TransientError, wrapOs, wrapS3 } from './errors.js';

/** One key to bring in line, and the event that named it. */
export interface Task { bucket: string; key: string; event: string }

/** One bulk action and its document (none for a delete). */
export interface BulkOp { action: Record<string, unknown>; doc?: Record<string, unknown> }

const COMPACT_JSON = { ensureAscii: false, sortKeys: false, compact: true, allowNan: true } as const;
const CONTENT_MAX_BYTES = 100_000;
export const TEXT_EXTS = new Set(['.txt', '.md', '.markdown', '.rst', '.csv', '.tsv', '.json', '.jsonl', '.ndjson', '.yaml', '.yml', '.xml', '.html', '.htm',
  '.py', '.r', '.js', '.ts', '.sh', '.log', '.ini', '.cfg', '.toml', '.sql', '.tex', '.ipynb']);

/** Quilt's content-indexing settings as this indexer applies them (Query.config.contentIndexingSettings; bucketAdd's bounds). */
export const CONTENT_INDEXING = { extensions: [...TEXT_EXTS], bytesDefault: CONTENT_MAX_BYTES, bytesMin: 0, bytesMax: 1_048_576 } as const;

/** Operations per bulk request. */
const BULK_OPS = 2000;

export class Reconcilers {
  constructor(private readonly s3: S3Client, private readonly os: Client) {}

  /** Sends the operations in bulk requests; resolves to how many documents OpenSearch refused for good. */
  async bulk(ops: BulkOp[], log: (line: string) => void): Promise<number> {
    let refused = 0;
    for (let i = 0; i < ops.length; i += BULK_OPS) {
      const body = ops.slice(i, i + BULK_OPS).flatMap((o) => (o.doc ? [o.action, o.doc] : [o.action]));
      let res;
      try { res = await this.os.bulk({ body: body as never }); } catch (e) { throw wrapOs(e, 'bulk indexing'); }
      const r = res.body as { errors?: boolean; items?: Array<Record<string, { status?: number; error?: { type?: string; reason?: string }; _id?: string }>> };
      if (!r.errors) continue;
      for (const item of r.items ?? []) {
        const it = Object.values(item)[0];
        if (!it?.error) continue;
        if (it.status === 429 || (it.status ?? 0) >= 500) throw new TransientError(`OpenSearch refused a document (${it.status} ${it.error.type}); retrying`);
        refused++;
        log(`indexer: document ${it._id} refused: ${it.error.type}: ${it.error.reason}`);
      }
    }
    return refused;
  }

  async existingObjectDocs(tasks: Task[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const byBucket = new Map<string, string[]>();
    for (const t of tasks) byBucket.set(t.bucket, [...(byBucket.get(t.bucket) ?? []), t.key]);
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        let r;
        try {
          r = await this.os.search({ index: bucket, body: { query: { terms: { key: chunk } }, _source: ['key'], size: 10_000, track_total_hits: true } as never });
        } catch (e) { throw wrapOs(e, `reading the documents of ${chunk.length} key(s)`); }
        const body = r.body as { hits: { total: { value: number }; hits: Array<{ _id: string; _source?: { key?: string } }> } };
        if (body.hits.total.value > body.hits.hits.length) continue; // too many versions: looked up key by key
        for (const k of chunk) out.set(`${bucket}\u0000${k}`, []);
        for (const h of body.hits.hits) out.get(`${bucket}\u0000${h._source?.key ?? ''}`)?.push(h._id);
      }
    }
    return out;
  }

  async reconcileKey(t: Task, existing: Map<string, string[]>): Promise<BulkOp[]> {
    const m = /^\.quilt\/packages\/([0-9a-f]{64})$/.exec(t.key);
    if (m) return this.reconcileManifest(t.bucket, m[1]!);
    const p = /^\.quilt\/named_packages\/([^/]+\/[^/]+)\/([^/]+)$/.exec(t.key);
    if (p) return this.reconcilePointer(t.bucket, t.key, p[1]!, p[2]!);
    if (t.key.startsWith('.quilt/')) return [];
    return this.reconcileObject(t, existing.get(`${t.bucket}\u0000${t.key}`));
  }

  // ---- objects -------------------------------------------------------------------------------

  private async listVersionsOf(bucket: string, key: string): Promise<Array<{ versionId: string; deleteMarker: boolean; size: number; etag: string; lastModified: Date | undefined }>> {
    const out: Array<{ versionId: string; deleteMarker: boolean; size: number; etag: string; lastModified: Date | undefined }> = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      let r;
      try {
        r = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: 1000 }));
      } catch (e) { throw wrapS3(e, `listing the versions of s3://${bucket}/${key}`); }
      let beyond = false;
      for (const v of r.Versions ?? []) {
        if (v.Key !== key) { beyond = beyond || (v.Key ?? '') > key; continue; }
        out.push({ versionId: v.VersionId ?? 'null', deleteMarker: false, size: v.Size ?? 0, etag: (v.ETag ?? '').replace(/"/g, ''), lastModified: v.LastModified });
      }
      for (const d of r.DeleteMarkers ?? []) {
        if (d.Key !== key) { beyond = beyond || (d.Key ?? '') > key; continue; }
        out.push({ versionId: d.VersionId ?? 'null', deleteMarker: true, size: 0, etag: '', lastModified: d.LastModified });
      }
      if (!r.IsTruncated || beyond) break;
      keyMarker = r.NextKeyMarker;
      versionMarker = r.NextVersionIdMarker;
    }
    return out;
  }

  private async existingObjectDocIds(bucket: string, key: string): Promise<string[]> {
    try {
      const r = await this.os.search({ index: bucket, body: { query: { term: { key } }, _source: false, size: 10_000 } as never });
      return ((r.body as { hits: { hits: Array<{ _id: string }> } }).hits.hits).map((h) => h._id);
    } catch (e) { throw wrapOs(e, `reading the documents of ${key}`); }
  }

  private async content(bucket: string, key: string, versionId: string, size: number): Promise<string> {
    if (size === 0 || !TEXT_EXTS.has(extOf(key).replace(/\.(gz|bz2|xz|zst|zip)$/, '')) || /\.(gz|bz2|xz|zst|zip)$/.test(key.toLowerCase())) return '';
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId, Range: `bytes=0-${CONTENT_MAX_BYTES - 1}` }));
      const bytes = await r.Body!.transformToByteArray();
      if (bytes.includes(0)) return '';
      return new TextDecoder('utf-8').decode(bytes);
    } catch (e) {
      if (isTransientS3(e)) throw wrapS3(e, `reading s3://${bucket}/${key}`);
      return '';
    }
  }

  private async tags(bucket: string, key: string, versionId: string): Promise<Record<string, string>> {
    try {
      const r = await this.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId }));
      return Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (e) {
      if (isTransientS3(e)) throw wrapS3(e, `reading the tags of s3://${bucket}/${key}`);
      return {};
    }
  }

  private async reconcileObject(t: Task, known: string[] | undefined): Promise<BulkOp[]> {
    const versions = await this.listVersionsOf(t.bucket, t.key);
    const existing = new Set(known ?? await this.existingObjectDocIds(t.bucket, t.key));
    const ops: BulkOp[] = [];
    const wanted = new Set<string>();
    for (const v of versions) {
      const id = objectDocId(t.key, v.versionId);
      wanted.add(id);
      if (existing.has(id)) continue;
      const [content, tags] = v.deleteMarker ? ['', {}] : await Promise.all([this.content(t.bucket, t.key, v.versionId, v.size), this.tags(t.bucket, t.key, v.versionId)]);
      ops.push({
        action: { index: { _index: t.bucket, _id: id } },
        doc: {
          key: t.key,
          etag: faultIs('wrong-etag') && v.etag ? [...v.etag].reverse().join('') : v.etag,
          size: v.size,
          last_modified: v.lastModified?.toISOString() ?? null,
          version_id: v.versionId,
          delete_marker: v.deleteMarker,
          content,
          ext: extOf(t.key),
          event: t.event,
          updated: new Date().toISOString(),
          s3_tags: tags,
          was_packaged: false,
        },
      });
    }
    for (const id of existing) if (!wanted.has(id)) ops.push({ action: { delete: { _index: t.bucket, _id: id } } });
    return ops;
  }

  // ---- packages ------------------------------------------------------------------------------

  private async docExists(index: string, id: string): Promise<boolean> {
    try {
      const r = await this.os.exists({ index, id, routing: id });
      return r.body === true;
    } catch (e) { throw wrapOs(e, `looking up ${id}`); }
  }

  /** The object's current body and date, or undefined when it does not exist (or its latest version is a delete marker). */
  private async getCurrent(bucket: string, key: string, headOnly = false): Promise<{ text: string; lastModified: Date | undefined } | undefined> {
    try {
      if (headOnly) {
        const h = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { text: '', lastModified: h.LastModified };
      }
      const r = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { text: await r.Body!.transformToString('utf-8'), lastModified: r.LastModified };
    } catch (e) {
      const { name, status } = s3ErrorStatus(e);
      if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return undefined;
      throw wrapS3(e, `reading s3://${bucket}/${key}`);
    }
  }

  private async reconcileManifest(bucket: string, hash: string): Promise<BulkOp[]> {
    const key = `.quilt/packages/${hash}`;
    const index = packagesIndex(bucket);
    const id = manifestDocId(hash);
    const indexed = await this.docExists(index, id);
    const current = await this.getCurrent(bucket, key, indexed);
    if (!current) {
      if (!indexed) return [];
      // The manifest is gone: its document and its entries go too (pointers stay while their files exist).
      try {
        await this.os.deleteByQuery({ index, body: { query: { parent_id: { type: 'entry', id } } } as never, refresh: true, conflicts: 'proceed' });
      } catch (err) { throw wrapOs(err, `deleting the entries of ${hash}`); }
      return [{ action: { delete: { _index: index, _id: id, routing: id } } }];
    }
    if (indexed) return [];
    const manifest = Manifest.parse(current.text, `s3://${bucket}/${key}`);
    const ops: BulkOp[] = manifest.entries.map((e) => ({
      action: { index: { _index: index, _id: entryDocId(hash, e.logicalKey), routing: id } },
      doc: {
        join_field: { name: 'entry', parent: id },
        entry_lk: e.logicalKey,
        entry_pk: e.physicalKey,
        entry_size: e.size,
        entry_hash: { type: e.hash.type, value: e.hash.value },
        entry_metadata: pythonDumps(e.meta, COMPACT_JSON),
      },
    }));
    const userMeta = manifest.header.get('user_meta');
    const workflow = manifest.header.get('workflow');
    // The manifest document goes last: once it exists, its entries do too.
    ops.push({
      action: { index: { _index: index, _id: id, routing: id } },
      doc: {
        join_field: { name: 'mnfst' },
        mnfst_hash: hash,
        mnfst_last_modified: (current.lastModified ?? new Date()).toISOString(),
        mnfst_message: manifest.message ?? 'None',
        mnfst_metadata: userMeta === undefined ? '{}' : pythonDumps(userMeta as JsonValue, COMPACT_JSON),
        mnfst_stats: { total_bytes: manifest.totalBytes, total_files: manifest.entries.length },
        mnfst_workflow: workflow === undefined ? null : JSON.parse(pythonDumps(workflow as JsonValue, COMPACT_JSON)) as unknown,
      },
    });
    return ops;
  }

  private async reconcilePointer(bucket: string, key: string, name: string, tag: string): Promise<BulkOp[]> {
    const index = packagesIndex(bucket);
    const id = pointerDocId(name, tag);
    const current = await this.getCurrent(bucket, key);
    if (!current) return [{ action: { delete: { _index: index, _id: id, routing: id } } }];
    const hash = current.text.trim();
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`the pointer's body is not a top hash: ${JSON.stringify(hash.slice(0, 80))}`);
    const parent = manifestDocId(hash);
    return [{
      action: { index: { _index: index, _id: id, routing: parent } },
      doc: {
        join_field: { name: 'ptr', parent },
        ptr_name: name,
        ptr_tag: tag,
        ptr_last_modified: (current.lastModified ?? new Date()).toISOString(),
      },
    }];
  }
}
