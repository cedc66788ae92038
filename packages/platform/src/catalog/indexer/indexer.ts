/**
 * The catalog's indexer. RGW pushes bucket notifications (persistent topic) to
 * POST /internal/s3-events; each record is appended to a durable queue before RGW gets its 200.
 * A single worker drains the queue in batches and brings the search indexes in line with what S3
 * holds NOW for every key named in the batch ("level-triggered"): the object's versions and delete
 * markers, a manifest's presence, a pointer's current body. Events may therefore arrive twice, late
 * or out of order without harm. Failures of OpenSearch or S3 keep the batch and retry it with
 * backoff; nothing is acknowledged before it is indexed and refreshed (searchable).
 * On start, a backfill compares each bucket with its indexes and reconciles what differs.
 */
import {
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { faultIs } from '../../faults.js';
import { Manifest } from '@quilt-e2e/quilt-js/manifest.js';
import { pythonDumps } from '@quilt-e2e/quilt-js/json/python-dumps.js';
import type { JsonValue } from '@quilt-e2e/quilt-js/json/values.js';
import { s3ErrorStatus } from '../authz.js';
import {
  ensureIndexes, entryDocId, extOf, manifestDocId, objectDocId, packagesIndex, pointerDocId,
} from '../search-index.js';
import { DurableQueue } from './queue.js';

/** The part of an S3/RGW event record the indexer reads. */
export interface S3EventRecord {
  eventSource?: string;
  eventName?: string;
  eventTime?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; versionId?: string; size?: number; eTag?: string } };
}

export interface IndexerStats {
  queueLength: number;
  backfillPending: number;
  received: number;
  indexedEvents: number;
  lastEventAgeMs: number | null;
  oldestPendingAgeMs: number | null;
  lagMs: { p50: number | null; p95: number | null; max: number | null; samples: number };
  retrying: boolean;
  lastError: { at: string; message: string } | null;
  skipped: number;
  backfill: { state: 'waiting' | 'pending' | 'running' | 'done' | 'failed'; startedAt: string | null; finishedAt: string | null; reconciledKeys: number; error: string | null };
}

const COMPACT_JSON = { ensureAscii: false, sortKeys: false, compact: true, allowNan: true } as const;
const CONTENT_MAX_BYTES = 100_000;
const TEXT_EXTS = new Set(['.txt', '.md', '.markdown', '.rst', '.csv', '.tsv', '.json', '.jsonl', '.ndjson', '.yaml', '.yml', '.xml', '.html', '.htm',
  '.py', '.r', '.js', '.ts', '.sh', '.log', '.ini', '.cfg', '.toml', '.sql', '.tex', '.ipynb']);
const BATCH_EVENTS = 500;
const BULK_OPS = 2000;

interface Task { bucket: string; key: string; event: string }

/** Errors worth retrying later (the service is down or overloaded), as opposed to a bad document. */
export class TransientError extends Error {}

function isTransientOpenSearch(e: unknown): boolean {
  const err = e as { name?: string; meta?: { statusCode?: number } };
  if (['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError'].includes(err.name ?? '')) return true;
  const s = err.meta?.statusCode;
  return s === undefined || s === 429 || s >= 500;
}

function isTransientS3(e: unknown): boolean {
  const { status } = s3ErrorStatus(e);
  return status === undefined || status === 429 || status >= 500;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One bulk action and its document (none for a delete). */
interface BulkOp { action: Record<string, unknown>; doc?: Record<string, unknown> }

export class Indexer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly backfillTasks = new Map<string, Task>();
  private readonly ensured = new Set<string>();
  private received = 0;
  private indexedEvents = 0;
  private skipped = 0;
  private lastEventAt: number | undefined;
  private lags: number[] = [];
  private retrying = false;
  private lastError: { at: string; message: string } | null = null;
  private backfill: IndexerStats['backfill'] = { state: 'waiting', startedAt: null, finishedAt: null, reconciledKeys: 0, error: null };
  /** Resolvers waiting for the next completed batch (tests, "flush"). */
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly queue: DurableQueue<S3EventRecord>,
    private readonly s3: S3Client,
    private readonly os: Client,
    private readonly buckets: string[],
    private readonly log: (line: string) => void,
  ) {}

  private readonly expected = new Map<string, () => void>();
  /** Told the keys of every reconciled batch, per bucket (the Tabulator refresher listens). */
  private readonly listeners: Array<(bucket: string, keys: string[]) => void> = [];

  onReconciled(listener: (bucket: string, keys: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves when an event about this key arrives (the start-up canary). */
  expectEvent(bucket: string, key: string): Promise<void> {
    return new Promise((resolve) => this.expected.set(`${bucket}\u0000${key}`, resolve));
  }

  /** Accepts RGW's POST body; resolves once the records are durably queued. */
  async accept(body: unknown): Promise<number> {
    const records = (body as { Records?: unknown }).Records;
    if (!Array.isArray(records)) throw new Error('expected a JSON object with a "Records" array (an S3 event notification)');
    const usable = records.filter((r): r is S3EventRecord => typeof r === 'object' && r !== null);
    await this.queue.append(usable);
    if (this.expected.size) {
      for (const r of usable) {
        const t = taskOf(r);
        const k = t && `${t.bucket}\u0000${t.key}`;
        if (k && this.expected.has(k)) { this.expected.get(k)!(); this.expected.delete(k); }
      }
    }
    this.received += usable.length;
    this.lastEventAt = Date.now();
    return usable.length;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Asks for a backfill scan (compare every bucket with its indexes) as soon as possible. */
  requestBackfill(): void {
    if (this.backfill.state !== 'running') this.backfill = { ...this.backfill, state: 'pending', error: null };
    this.queue.poke();
  }

  /** Reconciles these keys soon, without waiting for their events (the catalog's own writes). */
  touch(bucket: string, keys: string[]): void {
    if (!this.buckets.includes(bucket)) return;
    for (const key of keys) this.backfillTasks.set(`${bucket}\u0000${key}`, { bucket, key, event: 'catalog-write' });
    this.queue.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  stats(): IndexerStats {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const oldest = this.queue.oldestReceived;
    return {
      queueLength: this.queue.length,
      backfillPending: this.backfillTasks.size,
      received: this.received,
      indexedEvents: this.indexedEvents,
      lastEventAgeMs: this.lastEventAt === undefined ? null : Date.now() - this.lastEventAt,
      oldestPendingAgeMs: oldest === undefined ? null : Date.now() - oldest,
      lagMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.length ? sorted[sorted.length - 1]! : null, samples: sorted.length },
      retrying: this.retrying,
      lastError: this.lastError,
      skipped: this.skipped,
      backfill: { ...this.backfill },
    };
  }

  /** Resolves when the queue and the backfill are empty (or after timeoutMs). */
  async idle(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.queue.length === 0 && this.backfillTasks.size === 0 && (this.backfill.state === 'done' || this.backfill.state === 'waiting')) return true;
      await new Promise<void>((r) => { const t = setTimeout(r, 200); this.idleWaiters.push(() => { clearTimeout(t); r(); }); });
    }
    return false;
  }

  private async run(): Promise<void> {
    let backoff = 250;
    let nextBackfillTry = 0;
    while (!this.stopped) {
      try {
        if ((this.backfill.state === 'pending' || this.backfill.state === 'failed') && Date.now() >= nextBackfillTry) {
          await this.runBackfillScan();
        }
        const events = this.queue.peek(BATCH_EVENTS);
        if (events.length > 0) {
          const tasks = new Map<string, Task>();
          for (const ev of events) {
            const t = taskOf(ev.item);
            // Fault lost-delete-event: deletions (delete markers, removed versions) are dropped.
            if (t && faultIs('lost-delete-event') && /del|unlink|Removed/i.test(t.event)) continue;
            if (t && this.buckets.includes(t.bucket)) tasks.set(`${t.bucket}\u0000${t.key}`, t);
          }
          await this.reconcile([...tasks.values()]);
          await this.queue.ack(events.length);
          const now = Date.now();
          for (const ev of events) {
            const at = Date.parse(ev.item.eventTime ?? '');
            this.lags.push(now - (Number.isFinite(at) ? Math.min(at, ev.received) : ev.received));
          }
          if (this.lags.length > 1000) this.lags = this.lags.slice(-1000);
          this.indexedEvents += events.length;
        } else if (this.backfillTasks.size > 0) {
          const chunk = [...this.backfillTasks.entries()].slice(0, 200);
          await this.reconcile(chunk.map(([, t]) => t));
          for (const [k] of chunk) this.backfillTasks.delete(k);
          this.backfill.reconciledKeys += chunk.length;
        } else {
          if (this.backfill.state === 'running') { this.backfill.state = 'done'; this.backfill.finishedAt = new Date().toISOString(); }
          this.wakeIdle();
          await this.queue.wait(this.backfill.state === 'failed' ? 1000 : 5000);
          continue;
        }
        if (this.retrying) this.log('indexer: recovered; catching up');
        this.retrying = false;
        backoff = 250;
        this.wakeIdle();
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        this.lastError = { at: new Date().toISOString(), message };
        if (!this.retrying) this.log(`indexer: ${message}; retrying with backoff (the queue keeps ${this.queue.length} event(s) on disk)`);
        this.retrying = true;
        if (this.backfill.state === 'running' || this.backfill.state === 'pending') { this.backfill.state = 'failed'; this.backfill.error = message; nextBackfillTry = Date.now() + backoff; }
        if (this.backfill.state === 'failed') nextBackfillTry = Date.now() + backoff;
        this.ensured.clear();
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private async ensure(bucket: string): Promise<void> {
    if (this.ensured.has(bucket)) return;
    try { await ensureIndexes(this.os, bucket); } catch (e) { throw this.wrapOs(e, `creating the indexes of ${bucket}`); }
    this.ensured.add(bucket);
  }

  private wrapOs(e: unknown, what: string): Error {
    const err = e as { name?: string; message?: string; meta?: { statusCode?: number } };
    const msg = `OpenSearch failed ${what}: ${err.name ?? 'Error'} ${err.meta?.statusCode ?? ''} ${err.message ?? ''}`.trim();
    return isTransientOpenSearch(e) ? new TransientError(msg) : new Error(msg);
  }

  private wrapS3(e: unknown, what: string): Error {
    const { name, status } = s3ErrorStatus(e);
    const msg = `S3 failed ${what}: ${name}${status ? ` (HTTP ${status})` : ''}`;
    return isTransientS3(e) ? new TransientError(msg) : new Error(msg);
  }

  /** Brings the indexes in line with S3 for every task; throws TransientError to have the batch retried. */
  private async reconcile(tasks: Task[]): Promise<void> {
    const ops: BulkOp[] = [];
    const touched = new Set<string>();
    for (const b of new Set(tasks.map((t) => t.bucket))) await this.ensure(b);
    const t0 = Date.now();
    const existing = await this.existingObjectDocs(tasks.filter((t) => !t.key.startsWith('.quilt/')));
    const t1 = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) {
        const t = tasks[next++]!;
        try {
          const out = await this.reconcileKey(t, existing);
          if (out.length) { ops.push(...out); touched.add(t.bucket); touched.add(packagesIndex(t.bucket)); }
        } catch (e) {
          if (e instanceof TransientError) throw e;
          this.skipped++;
          this.log(`indexer: skipped s3://${t.bucket}/${t.key}: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, tasks.length) }, worker));
    const t2 = Date.now();
    await this.bulk(ops);
    const t3 = Date.now();
    if (touched.size) {
      try { await this.os.indices.refresh({ index: [...touched].join(','), ignore_unavailable: true }); } catch (e) { throw this.wrapOs(e, 'refreshing'); }
    }
    const t4 = Date.now();
    if (this.listeners.length) {
      const byBucket = new Map<string, string[]>();
      for (const t of tasks) byBucket.set(t.bucket, [...(byBucket.get(t.bucket) ?? []), t.key]);
      for (const [bucket, keys] of byBucket) for (const l of this.listeners) l(bucket, keys);
    }
    if (t4 - t0 > 2000) {
      this.log(`indexer: batch of ${tasks.length} key(s), ${ops.length} document operation(s) took ${t4 - t0} ms (lookup ${t1 - t0}, S3 ${t2 - t1}, bulk ${t3 - t2}, refresh ${t4 - t3})`);
    }
  }

  private async bulk(ops: BulkOp[]): Promise<void> {
    for (let i = 0; i < ops.length; i += BULK_OPS) {
      const body = ops.slice(i, i + BULK_OPS).flatMap((o) => (o.doc ? [o.action, o.doc] : [o.action]));
      let res;
      try { res = await this.os.bulk({ body: body as never }); } catch (e) { throw this.wrapOs(e, 'bulk indexing'); }
      const r = res.body as { errors?: boolean; items?: Array<Record<string, { status?: number; error?: { type?: string; reason?: string }; _id?: string }>> };
      if (!r.errors) continue;
      for (const item of r.items ?? []) {
        const it = Object.values(item)[0];
        if (!it?.error) continue;
        if (it.status === 429 || (it.status ?? 0) >= 500) throw new TransientError(`OpenSearch refused a document (${it.status} ${it.error.type}); retrying`);
        this.skipped++;
        this.log(`indexer: document ${it._id} refused: ${it.error.type}: ${it.error.reason}`);
      }
    }
  }

  /** The document ids of every object key of the batch, per bucket and key (one query per 1000 keys). */
  private async existingObjectDocs(tasks: Task[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const byBucket = new Map<string, string[]>();
    for (const t of tasks) byBucket.set(t.bucket, [...(byBucket.get(t.bucket) ?? []), t.key]);
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        let r;
        try {
          r = await this.os.search({ index: bucket, body: { query: { terms: { key: chunk } }, _source: ['key'], size: 10_000, track_total_hits: true } as never });
        } catch (e) { throw this.wrapOs(e, `reading the documents of ${chunk.length} key(s)`); }
        const body = r.body as { hits: { total: { value: number }; hits: Array<{ _id: string; _source?: { key?: string } }> } };
        if (body.hits.total.value > body.hits.hits.length) continue; // too many versions: looked up key by key
        for (const k of chunk) out.set(`${bucket}\u0000${k}`, []);
        for (const h of body.hits.hits) out.get(`${bucket}\u0000${h._source?.key ?? ''}`)?.push(h._id);
      }
    }
    return out;
  }

  private async reconcileKey(t: Task, existing: Map<string, string[]>): Promise<BulkOp[]> {
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
      } catch (e) { throw this.wrapS3(e, `listing the versions of s3://${bucket}/${key}`); }
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
    } catch (e) { throw this.wrapOs(e, `reading the documents of ${key}`); }
  }

  private async content(bucket: string, key: string, versionId: string, size: number): Promise<string> {
    if (size === 0 || !TEXT_EXTS.has(extOf(key).replace(/\.(gz|bz2|xz|zst|zip)$/, '')) || /\.(gz|bz2|xz|zst|zip)$/.test(key.toLowerCase())) return '';
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId, Range: `bytes=0-${CONTENT_MAX_BYTES - 1}` }));
      const bytes = await r.Body!.transformToByteArray();
      if (bytes.includes(0)) return '';
      return new TextDecoder('utf-8').decode(bytes);
    } catch (e) {
      if (isTransientS3(e)) throw this.wrapS3(e, `reading s3://${bucket}/${key}`);
      return '';
    }
  }

  private async tags(bucket: string, key: string, versionId: string): Promise<Record<string, string>> {
    try {
      const r = await this.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId }));
      return Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (e) {
      if (isTransientS3(e)) throw this.wrapS3(e, `reading the tags of s3://${bucket}/${key}`);
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
    } catch (e) { throw this.wrapOs(e, `looking up ${id}`); }
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
      throw this.wrapS3(e, `reading s3://${bucket}/${key}`);
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
      } catch (err) { throw this.wrapOs(err, `deleting the entries of ${hash}`); }
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

  // ---- backfill ------------------------------------------------------------------------------

  private async scrollIds(index: string, query: Record<string, unknown>, source: string[]): Promise<Array<{ _id: string; _source?: Record<string, unknown> }>> {
    const out: Array<{ _id: string; _source?: Record<string, unknown> }> = [];
    let r = await this.os.search({ index, scroll: '1m', body: { query, _source: source.length ? source : false, size: 5000, sort: ['_doc'] } as never });
    for (;;) {
      const body = r.body as { _scroll_id?: string; hits: { hits: Array<{ _id: string; _source?: Record<string, unknown> }> } };
      if (body.hits.hits.length === 0) { if (body._scroll_id) await this.os.clearScroll({ scroll_id: body._scroll_id }).catch(() => undefined); break; }
      out.push(...body.hits.hits);
      r = await this.os.scroll({ scroll_id: body._scroll_id!, scroll: '1m' });
    }
    return out;
  }

  private addBackfill(bucket: string, key: string): void {
    this.backfillTasks.set(`${bucket}\u0000${key}`, { bucket, key, event: 'backfill' });
  }

  /** Lists each bucket, compares with its indexes and queues every key whose documents differ. */
  private async runBackfillScan(): Promise<void> {
    this.backfill = { state: 'running', startedAt: new Date().toISOString(), finishedAt: null, reconciledKeys: 0, error: null };
    const t0 = Date.now();
    for (const bucket of this.buckets) {
      await this.ensure(bucket);
      // Objects: every version and delete marker should have its document, and nothing else.
      const wanted = new Map<string, string>();
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      const ptrs = new Map<string, string>();
      const manifests = new Set<string>();
      for (;;) {
        let r;
        try { r = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker, MaxKeys: 1000 })); } catch (e) { throw this.wrapS3(e, `listing ${bucket}`); }
        for (const v of [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])]) {
          const key = v.Key ?? '';
          if (key.startsWith('.quilt/')) continue;
          wanted.set(objectDocId(key, v.VersionId ?? 'null'), key);
        }
        if (!r.IsTruncated) break;
        keyMarker = r.NextKeyMarker;
        versionMarker = r.NextVersionIdMarker;
      }
      let token: string | undefined;
      do {
        let r;
        try { r = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '.quilt/', ContinuationToken: token })); } catch (e) { throw this.wrapS3(e, `listing ${bucket}/.quilt/`); }
        for (const o of r.Contents ?? []) {
          const key = o.Key ?? '';
          const m = /^\.quilt\/packages\/([0-9a-f]{64})$/.exec(key);
          if (m) manifests.add(m[1]!);
          else if (/^\.quilt\/named_packages\/[^/]+\/[^/]+\/[^/]+$/.test(key)) ptrs.set(key, o.LastModified?.toISOString() ?? '');
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);

      let docs;
      try { docs = await this.scrollIds(bucket, { match_all: {} }, ['key']); } catch (e) { throw this.wrapOs(e, `scanning ${bucket}`); }
      const have = new Set<string>();
      for (const d of docs) {
        have.add(d._id);
        if (!wanted.has(d._id)) this.addBackfill(bucket, String(d._source?.key ?? d._id.slice(0, d._id.lastIndexOf(':'))));
      }
      for (const [id, key] of wanted) if (!have.has(id)) this.addBackfill(bucket, key);

      let pdocs;
      try { pdocs = await this.scrollIds(packagesIndex(bucket), { bool: { should: [{ term: { join_field: 'mnfst' } }, { term: { join_field: 'ptr' } }] } }, ['mnfst_hash', 'ptr_name', 'ptr_tag', 'ptr_last_modified']); } catch (e) { throw this.wrapOs(e, `scanning ${packagesIndex(bucket)}`); }
      const haveManifests = new Set<string>();
      const havePtrs = new Map<string, string>();
      for (const d of pdocs) {
        const s = d._source ?? {};
        if (typeof s.mnfst_hash === 'string') {
          haveManifests.add(s.mnfst_hash);
          if (!manifests.has(s.mnfst_hash)) this.addBackfill(bucket, `.quilt/packages/${s.mnfst_hash}`);
        } else if (typeof s.ptr_name === 'string') {
          const key = `.quilt/named_packages/${s.ptr_name}/${String(s.ptr_tag)}`;
          havePtrs.set(key, String(s.ptr_last_modified ?? ''));
          if (!ptrs.has(key)) this.addBackfill(bucket, key);
        }
      }
      for (const h of manifests) if (!haveManifests.has(h)) this.addBackfill(bucket, `.quilt/packages/${h}`);
      for (const [key, lm] of ptrs) if (havePtrs.get(key) !== lm) this.addBackfill(bucket, key);
    }
    this.log(`indexer: backfill scan of ${this.buckets.join(', ')} took ${Date.now() - t0} ms; ${this.backfillTasks.size} key(s) to reconcile`);
  }
}

/** The (bucket, key) an event is about; keys from AWS are URL-encoded, RGW's are not. */
export function taskOf(r: S3EventRecord): Task | undefined {
  const bucket = r.s3?.bucket?.name;
  let key = r.s3?.object?.key;
  if (!bucket || key === undefined || key === '') return undefined;
  if (r.eventSource === 'aws:s3') {
    try { key = decodeURIComponent(key.replace(/\+/g, ' ')); } catch { /* keep as is */ }
  }
  return { bucket, key, event: r.eventName ?? 'unknown' };
}

