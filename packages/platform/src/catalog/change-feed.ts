/**
 * The catalog's change feed: RGW's bucket index log ("bilog", the feed multisite sync reads),
 * followed through RGW's admin REST API. Every change to a bucket's index — a PUT, a copy, a
 * multipart completion, a version deleted, a delete marker, and every key of a multi-object
 * delete — leaves an entry there, in order, durably, whatever client made it.
 *
 * Why not S3 bucket notifications (the previous design): on RGW 16.2 a DeleteObjects request on a
 * bucket with an ObjectRemoved notification aborts radosgw (RGWDeleteMultiObj → publish_reserve),
 * so any boto3 `delete_objects`, `aws s3 rm --recursive` or quilt-mcp `package_delete` took the
 * stack down; persistent topics also halved the PUT rate, stalled for good once their endpoint had
 * been down, and were picked up only at RGW's next 30 s queue scan. The bilog has none of this:
 * nothing is pushed, so nothing is lost while the catalog is down — it resumes from its saved
 * position. (Measured figures: README.md beside it.)
 *
 * Per bucket and index shard the feed keeps the last entry it handed to the durable queue
 * (`<dataDir>/bilog-positions.json`, written after the queue's fdatasync); entries are only
 * names of keys that changed — the indexer reads what S3 holds now (level-triggered), so a
 * duplicate after a crash is harmless. What it has passed on is trimmed from RGW's log now and then.
 * A bucket the feed has no position for (first start, a bucket made again under the same name)
 * starts at the log's current end, and the indexer's backfill reconciles what came before.
 */
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogConfig } from './config.js';
import type { Indexer, S3EventRecord } from './indexer/indexer.js';
import { RgwAdminClient, type BilogEntry } from './rgw-admin.js';

export interface FeedState {
  state: 'pending' | 'ok' | 'failed';
  /** True once a change made after start (the start-up canary) came through the feed. */
  delivering?: boolean;
  firstDeliveryMs?: number;
  error?: string;
  polls: number;
  entries: number;
  lastPollAgeMs: number | null;
  source: 'rgw-bucket-index-log';
}

interface BucketPosition { instance: string; shards: string[] }
type Positions = Record<string, BucketPosition>;

/** Entries that name a key whose state changed (the rest — e.g. "cancel" of a failed op — change nothing). */
const CHANGE_OPS = new Set(['write', 'del', 'link_olh', 'link_olh_del', 'unlink_instance', 'syncstop', 'resync']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ChangeFeed {
  private readonly admin: RgwAdminClient;
  private readonly file: string;
  private positions: Positions = {};
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastPollAt: number | undefined;
  private lastTrimAt = Date.now();
  private readonly trimmed = new Map<string, string>();
  private readonly checkedAt = new Map<string, number>();
  private readonly startedAt = Date.now();
  private readonly current: Omit<FeedState, 'lastPollAgeMs'> = { state: 'pending', polls: 0, entries: 0, source: 'rgw-bucket-index-log' };

  constructor(
    private readonly config: CatalogConfig,
    /** The served buckets: a live list (bucketAdd / bucketRemove change it in place). */
    private readonly buckets: readonly string[],
    private readonly indexer: Indexer,
    private readonly log: (line: string) => void,
    private readonly intervalMs = Number(process.env.QUILT_E2E_CATALOG_FEED_INTERVAL_MS ?? 150),
  ) {
    const svc = config.serviceUser;
    this.admin = new RgwAdminClient(config.s3Endpoint, config.region, { accessKeyId: svc.accessKeyId, secretAccessKey: svc.secretAccessKey });
    this.file = join(config.dataDir, 'bilog-positions.json');
    try { this.positions = JSON.parse(readFileSync(this.file, 'utf8')) as Positions; } catch { this.positions = {}; }
  }

  state(): FeedState {
    return { ...this.current, lastPollAgeMs: this.lastPollAt === undefined ? null : Date.now() - this.lastPollAt };
  }

  start(): void { this.loop ??= this.run(); }

  /** Polls now (a write the caller knows of is on its way). */
  poke(): void { this.wake?.(); }

  markDelivering(): void {
    if (this.current.delivering) return;
    this.current.delivering = true;
    this.current.firstDeliveryMs = Date.now() - this.startedAt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.admin.destroy();
  }

  private save(): void {
    mkdirSync(this.config.dataDir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.positions));
    renameSync(tmp, this.file);
  }

  /** Finds the bucket's instance; a new (or first seen) instance starts at the log's current end. */
  private async position(bucket: string): Promise<BucketPosition> {
    const known = this.positions[bucket];
    // The instance is looked up again every 30 s (a bucket made again under its name), not at every poll.
    const checked = this.checkedAt.get(bucket) ?? 0;
    if (known && Date.now() - checked < 30_000) return known;
    const { id, shards } = await this.admin.bucketInstance(bucket);
    this.checkedAt.set(bucket, Date.now());
    if (known && known.instance === id && known.shards.length === shards) return known;
    const ends: string[] = [];
    for (let s = 0; s < shards; s++) {
      let marker = '';
      for (;;) {
        const page = await this.admin.bilogList(bucket, id, s, marker, 1000);
        if (page.length === 0) break;
        marker = page[page.length - 1]!.op_id;
        if (page.length < 1000) break;
      }
      ends.push(marker);
    }
    const pos = { instance: id, shards: ends };
    this.positions[bucket] = pos;
    this.save();
    this.log(`change feed: following the bucket index log of ${bucket} (instance ${id}, ${shards} shard(s))${known ? ' — the bucket was made again: backfill' : ''}`);
    this.indexer.requestBackfill();
    return pos;
  }

  private async pollOnce(): Promise<number> {
    let total = 0;
    for (const bucket of this.buckets) {
      const pos = await this.position(bucket);
      for (let s = 0; s < pos.shards.length; s++) {
        for (;;) {
          const page: BilogEntry[] = await this.admin.bilogList(bucket, pos.instance, s, pos.shards[s]!, 1000);
          if (page.length === 0) break;
          const records: S3EventRecord[] = page
            .filter((e) => CHANGE_OPS.has(e.op) && e.object !== '' && (e.state === undefined || e.state === 'complete'))
            .map((e) => ({
              eventSource: 'ceph:bilog', eventName: `bilog:${e.op}`, ...(e.timestamp ? { eventTime: e.timestamp } : {}),
              s3: { bucket: { name: bucket }, object: { key: e.object, ...(e.instance ? { versionId: e.instance } : {}) } },
            }));
          if (records.length) await this.indexer.accept({ Records: records });
          pos.shards[s] = page[page.length - 1]!.op_id;
          this.save();
          total += records.length;
          if (page.length < 1000) break;
        }
      }
    }
    return total;
  }

  /** Removes from RGW's log what the feed has passed on (every 30 s at most). */
  private async trim(): Promise<void> {
    if (Date.now() - this.lastTrimAt < 30_000) return;
    this.lastTrimAt = Date.now();
    for (const [bucket, pos] of Object.entries(this.positions)) {
      if (!this.buckets.includes(bucket)) continue;
      for (let s = 0; s < pos.shards.length; s++) {
        const m = pos.shards[s]!;
        const k = `${bucket}:${pos.instance}:${s}`;
        if (!m || this.trimmed.get(k) === m) continue;
        await this.admin.bilogTrim(bucket, pos.instance, s, m);
        this.trimmed.set(k, m);
      }
    }
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (!this.stopped) {
      let n = 0;
      try {
        n = await this.pollOnce();
        this.lastPollAt = Date.now();
        this.current.polls++;
        this.current.entries += n;
        if (this.current.state !== 'ok') this.log(`change feed: ${this.current.state === 'failed' ? 'reading the bucket index log again' : 'reading the bucket index log'} of ${this.buckets.join(', ')}`);
        this.current.state = 'ok';
        delete this.current.error;
        backoff = 250;
        await this.trim().catch((e: unknown) => this.log(`change feed: trimming the bucket index log failed (${(e as Error).message}); it is tried again later`));
      } catch (e) {
        const msg = `${(e as Error).name}: ${(e as Error).message}`;
        if (this.current.error !== msg) this.log(`change feed: ${msg}; retrying`);
        this.current.state = 'failed';
        this.current.error = msg;
        this.checkedAt.clear(); // look the buckets up again: one may have been made anew
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
        continue;
      }
      if (n > 0) continue; // more may be coming: read again at once
      await new Promise<void>((r) => { const t = setTimeout(r, this.intervalMs); this.wake = () => { clearTimeout(t); r(); }; });
      this.wake = undefined;
    }
  }
}
