/**
 * The catalog's indexer, the consumer of changes: the change feed (../change-feed.ts, RGW's bucket
 * index log) hands it S3 event records, each appended to a durable queue before the feed moves on.
 * A single worker drains the queue in batches and brings the search indexes in line with what S3
 * holds NOW for every key named in the batch ("level-triggered"): the object's versions and delete
 * markers, a manifest's presence, a pointer's current body. Events may therefore arrive twice, late
 * or out of order without harm. Failures of OpenSearch or S3 keep the batch and retry it with
 * backoff; nothing is acknowledged before it is indexed and refreshed (searchable).
 * On start, a backfill compares each bucket with its indexes and reconciles what differs.
 *   reconcilers.ts  what the indexes must hold for one key (objects, manifests, pointers)
 *   backfill.ts     the scan that finds the keys whose documents differ from S3
 *   errors.ts       transient failures (retried) and the others
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { mapLimit } from '@quilt-e2e/quilt-js';
import { faultIs } from '../../faults.js';
import { ensureIndexes, packagesIndex } from '../search-index.js';
import { scanBucket } from './backfill.js';
import { TransientError, wrapOs } from './errors.js';
import { Reconcilers, type BulkOp, type Task } from './reconcilers.js';
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

const BATCH_EVENTS = 500;
/** How far down the queue package events are looked for (fastTrackPackageEvents). */
const FAST_TRACK_WINDOW = 50_000;
/** How many keys of a batch are reconciled at once. */
const RECONCILE_CONCURRENCY = 16;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Indexer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly backfillTasks = new Map<string, Task>();
  /** Queued events already looked at by fastTrackPackageEvents (the queue keeps each event's object until it is acknowledged). */
  private readonly fastTracked = new WeakSet<object>();
  /** A backfill was asked for while one was running: scan again once it is done. */
  private backfillAgain = false;
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
  ) {
    this.reconcilers = new Reconcilers(s3, os);
  }

  private readonly reconcilers: Reconcilers;
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
    // A scan under way may have listed its buckets before this request (a bucket added just now):
    // another scan follows it.
    if (this.backfill.state === 'running') this.backfillAgain = true;
    else this.backfill = { ...this.backfill, state: 'pending', error: null };
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
        await this.fastTrackPackageEvents();
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
          if (this.backfill.state === 'running') {
            this.backfill.state = this.backfillAgain ? 'pending' : 'done';
            this.backfillAgain = false;
            this.backfill.finishedAt = new Date().toISOString();
            if (this.backfill.state === 'pending') continue;
          }
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
    try { await ensureIndexes(this.os, bucket); } catch (e) { throw wrapOs(e, `creating the indexes of ${bucket}`); }
    this.ensured.add(bucket);
  }

  /** Brings the indexes in line with S3 for every task; throws TransientError to have the batch retried. */
  private async reconcile(tasks: Task[]): Promise<void> {
    const ops: BulkOp[] = [];
    const touched = new Set<string>();
    for (const b of new Set(tasks.map((t) => t.bucket))) await this.ensure(b);
    const t0 = Date.now();
    const existing = await this.reconcilers.existingObjectDocs(tasks.filter((t) => !t.key.startsWith('.quilt/')));
    const t1 = Date.now();
    await mapLimit(tasks, RECONCILE_CONCURRENCY, async (t) => {
      try {
        const out = await this.reconcilers.reconcileKey(t, existing);
        if (out.length) { ops.push(...out); touched.add(t.bucket); touched.add(packagesIndex(t.bucket)); }
      } catch (e) {
        if (e instanceof TransientError) throw e;
        this.skipped++;
        this.log(`indexer: skipped s3://${t.bucket}/${t.key}: ${(e as Error).message}`);
      }
    });
    const t2 = Date.now();
    this.skipped += await this.reconcilers.bulk(ops, this.log);
    const t3 = Date.now();
    if (touched.size) {
      try { await this.os.indices.refresh({ index: [...touched].join(','), ignore_unavailable: true }); } catch (e) { throw wrapOs(e, 'refreshing'); }
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

  /**
   * Package events do not wait behind a burst of object events (10,000 files written at once take
   * minutes to index on 2 cores): the registry's keys (.quilt/) further down the queue are reconciled
   * now. Reconciling is state-based (S3 as it is now), so doing it again when the queue reaches those
   * events changes nothing.
   */
  private async fastTrackPackageEvents(): Promise<void> {
    if (this.queue.length <= BATCH_EVENTS) return;
    const urgent = new Map<string, Task>();
    for (const ev of this.queue.peek(FAST_TRACK_WINDOW).slice(BATCH_EVENTS)) {
      if (this.fastTracked.has(ev)) continue;
      this.fastTracked.add(ev);
      const t = taskOf(ev.item);
      if (t && t.key.startsWith('.quilt/') && this.buckets.includes(t.bucket)) urgent.set(`${t.bucket}\u0000${t.key}`, t);
    }
    if (urgent.size) await this.reconcile([...urgent.values()]);
  }

  /** Lists each bucket, compares with its indexes and queues every key whose documents differ (backfill.ts). */
  private async runBackfillScan(): Promise<void> {
    this.backfill = { state: 'running', startedAt: new Date().toISOString(), finishedAt: null, reconciledKeys: 0, error: null };
    const t0 = Date.now();
    for (const bucket of this.buckets) {
      await this.ensure(bucket);
      await scanBucket(this.s3, this.os, bucket, (key) => this.backfillTasks.set(`${bucket}\u0000${key}`, { bucket, key, event: 'backfill' }));
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

