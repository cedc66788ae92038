/**
 * Keeps Tabulator's views fresh as packages change — the platform's job, as on a Quilt stack
 * (whose Tabulator reads the registry at query time): the indexer hands every batch of changed
 * keys to notify(); a change to a package pointer (.quilt/named_packages/...) or to a Tabulator
 * config (.quilt/tabulator/...) schedules a refresh of that bucket's tables. Refreshes run one at
 * a time per bucket and coalesce (changes arriving during a refresh cause exactly one more), and
 * refreshTable() rebuilds only tables whose matching packages' `latest` or config changed.
 * Clients (the suite too) only query; they never refresh.
 */
import type { Tabulator, TabulatorRefresh } from './tabulator.js';

const RELEVANT = /^\.quilt\/(named_packages|tabulator)\//;

export interface RefresherStats {
  /** Refresh rounds finished (per bucket, all tables). */
  rounds: number;
  /** Views rebuilt by those rounds. */
  rebuilt: number;
  pending: string[];
  running: string[];
  lastRoundMs: number | null;
  lastFinishedAt: string | null;
  lastError: { at: string; message: string } | null;
}

export class TabulatorRefresher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;
  private stats: Omit<RefresherStats, 'pending' | 'running'> = { rounds: 0, rebuilt: 0, lastRoundMs: null, lastFinishedAt: null, lastError: null };

  constructor(private readonly tabulator: () => Tabulator, private readonly log: (line: string) => void) {}

  /** Called with the keys of every reconciled batch. */
  notify(bucket: string, keys: string[]): void {
    if (this.stopped || !keys.some((k) => RELEVANT.test(k))) return;
    if (this.running.has(bucket)) { this.again.add(bucket); return; }
    this.running.set(bucket, this.round(bucket));
  }

  private async round(bucket: string): Promise<void> {
    const t0 = Date.now();
    try {
      const results = await this.tabulator().refreshTables(bucket);
      for (const r of results) {
        if (r.status !== 'failed') continue;
        this.stats.lastError = { at: new Date().toISOString(), message: r.error.message };
        this.log(`tabulator: ${bucket}.${r.table} could not be refreshed: ${r.error.message.slice(0, 300)}`);
      }
      const rebuilt = results.filter((r): r is TabulatorRefresh => r.status === 'rebuilt' || r.status === 'removed');
      this.stats.rebuilt += rebuilt.length;
      for (const r of rebuilt) this.log(`tabulator: ${r.view} ${r.status} (${r.files ?? 0} files of ${r.packages} packages) after a package change`);
    } catch (e) {
      this.stats.lastError = { at: new Date().toISOString(), message: (e as Error).message };
      this.log(`tabulator: refreshing the tables of ${bucket} failed: ${(e as Error).message}`);
    } finally {
      this.stats.rounds++;
      this.stats.lastRoundMs = Date.now() - t0;
      this.stats.lastFinishedAt = new Date().toISOString();
      this.running.delete(bucket);
      if (this.again.delete(bucket) && !this.stopped) this.running.set(bucket, this.round(bucket));
    }
  }

  /** Resolves when no refresh is running or pending. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.again.clear();
    await this.idle();
  }

  state(): RefresherStats {
    return { ...this.stats, pending: [...this.again], running: [...this.running.keys()] };
  }
}
