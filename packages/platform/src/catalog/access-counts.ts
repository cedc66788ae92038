/**
 * Access counts as Quilt's catalog shows them (a package's and a revision's "Total views"): reads
 * of the package's manifests (.quilt/packages/<hash>) per day, as Quilt's access_counts lambda
 * counts the GetObject events CloudTrail recorded (package = every hash its name has pointed to;
 * reads by Athena and by the search indexer left out). Here the events are the stack's access log
 * (../access-log.ts: the S3 front's and the registry's reads), read as it grows. Quilt answers
 * null where nothing was counted.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { AccessEvent } from '../access-log.js';
import { faultIs } from '../faults.js';

const MANIFEST_PREFIX = '.quilt/packages/';
/** Quilt's filter of the events it counts (INSERT_INTO_OBJECT_ACCESS_LOG). */
const NOT_COUNTED = (ua: string): boolean => ua === 'athena.amazonaws.com' || ua.includes('quilt3-lambdas-es-indexer');
const DAY_MS = 86_400_000;

/** Quilt's AccessCounts: the total and a count for each day (its Datetime, midnight UTC, as ISO 8601). */
export interface AccessCountsAnswer { total: number; counts: Array<{ date: string; value: number }> }

export class AccessCounts {
  private offset = 0;
  private partial = '';
  /** bucket → manifest hash → day (YYYY-MM-DD) → reads. */
  private readonly reads = new Map<string, Map<string, Map<string, number>>>();

  constructor(private readonly path: string, private readonly log: (line: string) => void = () => undefined) {}

  /** Reads what the log gained since the last time (a log that shrank was started again: counted afresh). */
  private refresh(): void {
    let fd: number;
    try { fd = openSync(this.path, 'r'); } catch { return; }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) { this.offset = 0; this.partial = ''; this.reads.clear(); }
      const buf = Buffer.alloc(1 << 20);
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        const lines = (this.partial + buf.subarray(0, n).toString('utf8')).split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) this.count(line);
      }
    } finally {
      closeSync(fd);
    }
  }

  private count(line: string): void {
    if (!line.includes(MANIFEST_PREFIX)) return;
    let e: AccessEvent;
    try { e = JSON.parse(line) as AccessEvent; } catch { this.log(`access counts: a line of ${this.path} is not JSON; skipped`); return; }
    if (e.eventname !== 'GetObject' || !e.key?.startsWith(MANIFEST_PREFIX) || NOT_COUNTED(e.useragent ?? '')) return;
    // Fault uncounted-reads: a catalog whose views never change.
    if (faultIs('uncounted-reads')) return;
    const hash = e.key.slice(MANIFEST_PREFIX.length);
    const day = e.eventtime.slice(0, 10);
    let byHash = this.reads.get(e.bucket);
    if (!byHash) this.reads.set(e.bucket, byHash = new Map());
    let byDay = byHash.get(hash);
    if (!byDay) byHash.set(hash, byDay = new Map());
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }

  /** The reads of these manifests over the last `days` days (today included; 1 to 3650, resolvers/common.ts windowOf), a count for every day; null when there were none. */
  of(bucket: string, hashes: string[], days: number, now = Date.now()): AccessCountsAnswer | null {
    this.refresh();
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const byHash = this.reads.get(bucket);
    const counts: AccessCountsAnswer['counts'] = [];
    for (let i = days - 1; i >= 0; i--) {
      const date = new Date(today - i * DAY_MS).toISOString();
      const day = date.slice(0, 10);
      counts.push({ date, value: hashes.reduce((sum, h) => sum + (byHash?.get(h)?.get(day) ?? 0), 0) });
    }
    const total = counts.reduce((s, c) => s + c.value, 0);
    return total === 0 ? null : { total, counts };
  }
}
